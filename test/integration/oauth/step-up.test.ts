// Clean recovery after a 403 step-up (MCP 2025-11-25 authorization "Scope Challenge Handling";
// src/oauth/grant-replacement.ts): the wider re-authorization of the same client and user
// replaces the narrower grant instead of leaving it behind; same-scope re-authorizations (a
// second process) and other users keep theirs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../support/stack.js';
import { connect, mcpPost, refresh, registerClient } from '../../support/oauth-flow.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const create = {
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'create_instance', arguments: { serviceId: 'eyevinn-test-adserver', name: 'stepup' } },
};
const list = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} };

describe('step-up re-authorization', () => {
  it('403 insufficient_scope → re-authorize for more → the read-only grant is gone, the new one works, other grants stay', async () => {
    const client = await registerClient(stack.url, { client_name: 'Step-up client' });
    const narrow = await connect(stack.url, { client, user: 'alice', scope: 'osc:read' });
    const sibling = await connect(stack.url, { client, user: 'alice', scope: 'osc:read' });
    const bob = await connect(stack.url, { client, user: 'bob', scope: 'osc:read' });

    const denied = await mcpPost(stack.mcpUrl, narrow.tokens.access_token, create);
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toMatch(/insufficient_scope/);

    const wide = await connect(stack.url, { client, user: 'alice', scope: 'osc:read osc:write' });
    expect(wide.tokens.scope).toBe('osc:read osc:write');

    // Both narrower grants of alice with this client are replaced: their tokens are dead.
    for (const old of [narrow, sibling]) {
      expect((await mcpPost(stack.mcpUrl, old.tokens.access_token, list)).status).toBe(401);
      const r = await refresh(stack.url, client, old.tokens.refresh_token);
      expect(r.status).toBe(400);
      expect(r.body.error).toBe('invalid_grant');
    }
    expect((await mcpPost(stack.mcpUrl, wide.tokens.access_token, list)).status).toBe(200);
    // Bob's grant with the same client is untouched.
    expect((await mcpPost(stack.mcpUrl, bob.tokens.access_token, list)).status).toBe(200);
    const logged = stack.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.event === 'grant_replaced');
    expect(logged).toHaveLength(2);
  });

  it('a same-scope re-authorization (another process of the same client) keeps the first grant', async () => {
    const client = await registerClient(stack.url, { client_name: 'Two processes' });
    const first = await connect(stack.url, { client, user: 'carol', scope: 'osc:read osc:write' });
    const second = await connect(stack.url, { client, user: 'carol', scope: 'osc:read osc:write' });
    expect((await mcpPost(stack.mcpUrl, first.tokens.access_token, list)).status).toBe(200);
    expect((await mcpPost(stack.mcpUrl, second.tokens.access_token, list)).status).toBe(200);
  });
});
