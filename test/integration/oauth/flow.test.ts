// The whole authorization: DCR → /authorize → our consent → OSC (emulator) → callback →
// our code → /token → an authenticated /mcp request. Then a refresh and a second request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../support/stack.js';
import { authorize, connect, exchange, mcpPost, refresh, registerClient } from '../../support/oauth-flow.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

describe('authorization flow against the emulator', () => {
  it('issues our own opaque tokens that open /mcp, and the client redirect carries code, state and iss', async () => {
    const client = await registerClient(stack.url);
    const r = await authorize(stack.url, { client, user: 'alice', state: 'st-1' });
    expect(r.location.origin + r.location.pathname).toBe('http://127.0.0.1:7777/cb');
    expect(r.location.searchParams.get('state')).toBe('st-1');
    expect(r.location.searchParams.getAll('iss')).toEqual([stack.url]);
    expect(r.code).toMatch(/^oscm_code_[A-Za-z0-9_-]{43}$/);
    const tokens = await exchange(stack.url, client, r);
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.scope).toBe('osc:read osc:write');
    expect(tokens.access_token).toMatch(/^oscm_at_[A-Za-z0-9_-]{43}$/);
    // The grant's family (22 characters) then 43 of fresh randomness (src/oauth/issue.ts).
    expect(tokens.refresh_token).toMatch(/^oscm_rt_[A-Za-z0-9_-]{65}$/);
    expect((await stack.emulator.control.stats()).codeExchanges).toBe(1);

    const res = await mcpPost(stack.mcpUrl, tokens.access_token, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { tools: { name: string }[] } };
    expect(body.result.tools.map((t) => t.name)).toContain('token_balance');

    const rotated = await refresh(stack.url, client, tokens.refresh_token);
    expect(rotated.status).toBe(200);
    const again = await mcpPost(stack.mcpUrl, rotated.body.access_token as string, {
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/list',
    });
    expect(again.status).toBe(200);
  });

  it('acts as the signed-in user: token_balance answers from that user’s tenant', async () => {
    const { tokens } = await connect(stack.url, { user: 'bob' });
    const res = await mcpPost(stack.mcpUrl, tokens.access_token, {
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: { name: 'token_balance', arguments: {} },
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('FREE');
    expect(text).not.toContain('PROFESSIONAL');
  });

  it('metrics count requests by route, never by raw URL (no ids or secrets as label values)', async () => {
    const res = await fetch(`${stack.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/oscmcp_http_requests_total\{route="\/token",method="POST",status="200"\} \d+/);
    expect(text).toMatch(/oscmcp_http_requests_total\{route="\/mcp",method="POST",status="200"\} \d+/);
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).not.toMatch(/oscm_(?:at|rt|code)_|state=|code=/);
  });
});
