/**
 * The tools a read-only grant sees, in registry order (src/mcp/tools/index.ts), and how many a
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
export const ALL_TOOLS_COUNT = 26;
