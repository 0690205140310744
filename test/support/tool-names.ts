/**
 * The tools a read-only grant sees, in registry order (src/mcp/tools/index.ts), and every tool a
 * grant with both scopes sees: pinned here so a new tool is a deliberate change to the tests.
 */
export const READ_TOOLS = [
  'list_services',
  'describe_service',
  'list_instances',
  'get_instance',
  'read_logs',
  'token_balance',
  'list_secrets',
  'get_instance_endpoints',
  'get_config',
  'list_config',
  'list_apps',
  'get_app',
  'read_app_logs',
];
/** Every tool, in registry order: what a grant with both scopes sees. */
export const ALL_TOOLS = [
  'list_services',
  'describe_service',
  'list_instances',
  'get_instance',
  'create_instance',
  'delete_instance',
  'restart_instance',
  'read_logs',
  'token_balance',
  'list_secrets',
  'set_secret',
  'delete_secret',
  'get_instance_endpoints',
  'update_instance',
  'create_config_store',
  'set_config',
  'get_config',
  'list_config',
  'create_database',
  'list_apps',
  'get_app',
  'create_app',
  'restart_app',
  'update_app',
  'read_app_logs',
  'delete_app',
];
export const ALL_TOOLS_COUNT = ALL_TOOLS.length;
