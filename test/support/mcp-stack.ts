/** A stack (stack.ts) with alice's two grants, the way the /mcp integration tests start. */
import { startStack, type Stack } from './stack.js';
import { connect } from './oauth-flow.js';

/** What an `osc:read` grant sees in tools/list, in registry order (docs/architecture.md, "The MCP endpoint"). */
export { ALL_TOOLS_COUNT, READ_TOOLS } from './tool-names.js';

export interface McpStack {
  stack: Stack;
  /** An access token for both scopes. */
  full: string;
  /** An access token for `osc:read` only. */
  readOnly: string;
}

export async function startMcpStack(): Promise<McpStack> {
  const stack = await startStack({ emulator: { instanceStartMs: 1500 } });
  const full = (await connect(stack.url, { user: 'alice' })).tokens.access_token;
  const readOnly = (await connect(stack.url, { user: 'alice', scope: 'osc:read', approveScopes: ['osc:read'] })).tokens
    .access_token;
  return { stack, full, readOnly };
}
