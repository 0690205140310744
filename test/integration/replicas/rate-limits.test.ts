// INPUT-08 (docs/security.md, "Availability") on two replicas sharing one Redis, through the real
// bearer path: every access token comes from our OAuth flow (`connect()`), every request
// passes requireBearer on whichever replica it reaches. Limits: 60 tool calls per minute per
// grant (TOOL_CALLS_PER_MINUTE), 10 instance creates per hour per grant
// (INSTANCE_CREATES_PER_HOUR), 50 /token requests per 15 min per grant (TOKEN_REQUESTS_PER_GRANT,
// set low here). The counters live in Redis, keyed by grant, never by client or address: every
// request here comes from 127.0.0.1, and the neighbours (U2, client D) are unaffected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisStack, type RedisStack } from '../../support/redis-stack.js';
import { connect, mcpPost, refresh, type Tokens } from '../../support/oauth-flow.js';
import type { Replica } from '../../support/stack.js';

let stack: RedisStack;
let b: Replica;
/** Replica A's and replica B's /mcp; a request's index picks one, so every flow is split. */
let mcp: [string, string];
beforeAll(async () => {
  stack = await startRedisStack({
    env: { TOOL_CALLS_PER_MINUTE: '60', INSTANCE_CREATES_PER_HOUR: '10', TOKEN_REQUESTS_PER_GRANT: '50' },
  });
  b = await stack.addReplica();
  mcp = [stack.mcpUrl, b.mcpUrl];
});
afterAll(() => stack?.close());

interface ToolResult {
  isError?: boolean;
  content: Array<{ type: string; text: string }>;
  structuredContent?: Record<string, unknown>;
}

const call = (id: number, name: string, args: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

/** One tools/call that must be dispatched (HTTP 200, JSON-RPC result); returns the tool result. */
async function tool(
  url: string,
  at: string,
  id: number,
  name: string,
  args: Record<string, unknown> = {},
): Promise<ToolResult> {
  const res = await mcpPost(url, at, call(id, name, args));
  const text = await res.text();
  expect(res.status, text).toBe(200);
  const body = JSON.parse(text) as { id: number; result?: ToolResult };
  expect(body.id).toBe(id);
  return body.result!;
}

/** A request refused by the call budget: 429, Retry-After within the window, a JSON-RPC error with id null (nothing was dispatched). */
async function expectBudgetRefusal(res: Response, windowS: number): Promise<void> {
  const text = await res.text();
  expect(res.status, text).toBe(429);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(windowS);
  expect(JSON.parse(text)).toEqual({
    jsonrpc: '2.0',
    error: { code: -32000, message: expect.stringMatching(/too many tool calls/i) as unknown },
    id: null,
  });
}

const apiCalls = async () => (await stack.emulator.control.stats()).apiCalls;
const textOf = (r: ToolResult) => r.content.map((c) => c.text).join('\n');

describe('INPUT-08: tool calls per grant (60 per minute), two replicas', () => {
  it("U1's 61st call, split across replicas, is refused with 429 + Retry-After before dispatch; U2 and U1's other grant are unaffected", async () => {
    const u1 = await connect(stack.url, { user: 'alice', meta: { client_name: 'Client A' } });
    const u2 = await connect(stack.url, { user: 'bob', meta: { client_name: 'Client B' } });
    let u2Calls = 0;
    for (let i = 0; i < 60; i++) {
      const r = await tool(mcp[i % 2]!, u1.tokens.access_token, i + 1, 'token_balance');
      expect(r.isError, textOf(r)).toBeFalsy();
      // U2 acts meanwhile, on the other replica.
      if (i % 10 === 5) {
        const r2 = await tool(mcp[(i + 1) % 2]!, u2.tokens.access_token, 1000 + i, 'token_balance');
        expect(r2.isError, textOf(r2)).toBeFalsy();
        u2Calls++;
      }
    }
    expect(u2Calls).toBe(6);

    const before = await apiCalls();
    await expectBudgetRefusal(await mcpPost(b.mcpUrl, u1.tokens.access_token, call(61, 'token_balance')), 60);
    await expectBudgetRefusal(await mcpPost(stack.mcpUrl, u1.tokens.access_token, call(62, 'list_services')), 60);
    // Refused before the JSON-RPC dispatch: no tool ran, OSC saw nothing.
    expect(await apiCalls()).toBe(before);
    // Only tool calls spend the budget: the same grant may still list its tools.
    const list = await mcpPost(b.mcpUrl, u1.tokens.access_token, { jsonrpc: '2.0', id: 63, method: 'tools/list' });
    expect(list.status).toBe(200);

    // U2 on both replicas, and U1's second authorization of the same client (another grant), are not limited.
    for (const url of mcp) expect((await tool(url, u2.tokens.access_token, 2000, 'token_balance')).isError).toBeFalsy();
    const u1Elsewhere = await connect(stack.url, { user: 'alice', meta: { client_name: 'Client A' } });
    expect(u1Elsewhere.client.client_id).toBe(u1.client.client_id);
    expect((await tool(b.mcpUrl, u1Elsewhere.tokens.access_token, 1, 'token_balance')).isError).toBeFalsy();

    // The counters are in Redis, one per grant (never per address), with the window as TTL.
    const keys = await stack.redis.keys(`${stack.prefix}rl:tools*`);
    expect(keys.length).toBe(3);
    for (const k of keys) {
      expect(k).toMatch(new RegExp(`^${stack.prefix}rl:tools:tools:[^:]+$`));
      expect(k).not.toContain('127.0.0.1');
      const ttl = await stack.redis.pttl(k);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
    const counts = (await Promise.all(keys.map((k) => stack.redis.get(k)))).map(Number).sort((x, y) => x - y);
    // U1's other grant: 1; U2: 6 + 2; U1: 60 + the two refused (the limiter counts every attempt).
    expect(counts).toEqual([1, 8, 62]);
  });

  it('one HTTP batch of 70 tools/call counts as 70: refused whole (429), and the grant has nothing left', async () => {
    const g = await connect(stack.url, { user: 'carol' });
    const batch = (n: number, from = 1) => Array.from({ length: n }, (_, i) => call(from + i, 'token_balance'));
    const before = await apiCalls();
    await expectBudgetRefusal(await mcpPost(stack.mcpUrl, g.tokens.access_token, batch(70)), 60);
    expect(await apiCalls()).toBe(before);
    // Counted as 1 it would leave 59; counted as 70 a single call on the other replica is refused too.
    await expectBudgetRefusal(await mcpPost(b.mcpUrl, g.tokens.access_token, call(71, 'token_balance')), 60);

    // The size of the batch is not what is refused: 60 calls in one batch fit a fresh grant's budget exactly.
    const h = await connect(stack.url, { user: 'carol' });
    const ok = await mcpPost(b.mcpUrl, h.tokens.access_token, batch(60));
    expect(ok.status).toBe(200);
    const replies = (await ok.json()) as Array<{ id: number; result?: ToolResult }>;
    expect(replies.map((r) => r.id).sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    for (const r of replies) expect(r.result?.isError, JSON.stringify(r)).toBeFalsy();
    await expectBudgetRefusal(await mcpPost(stack.mcpUrl, h.tokens.access_token, call(61, 'token_balance')), 60);
  });
});

describe('INPUT-08: instance creates per grant (10 per hour), two replicas', () => {
  it("U1's 11th create_instance is a tool result with isError saying the quota is reached; refused options spend nothing; U2 creates", async () => {
    const u1 = await connect(stack.url, { user: 'alice' });
    const created = () => stack.emulator.control.calls('instances.create');
    const before = await created();

    // Options refused by our own check: not a create attempt, so not counted.
    const bad = await tool(b.mcpUrl, u1.tokens.access_token, 1, 'create_instance', {
      serviceId: 'minio-minio',
      name: 'quota0',
      options: {},
    });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toContain('missing mandatory option "RootUser"');

    for (let i = 1; i <= 10; i++) {
      const r = await tool(mcp[i % 2]!, u1.tokens.access_token, 1 + i, 'create_instance', {
        serviceId: 'minio-minio',
        name: `quota${i}`,
        options: { RootUser: 'admin', RootPassword: `pw-${i}-secret` },
      });
      expect(r.isError, textOf(r)).toBeFalsy();
      expect(r.structuredContent).toMatchObject({ instance: { name: `quota${i}` } });
    }
    expect((await created()) - before).toBe(10);

    // The 11th, on either replica: HTTP 200, a tool result (not a JSON-RPC error), nothing sent to OSC.
    for (const [i, url] of mcp.entries()) {
      const r = await tool(url, u1.tokens.access_token, 20 + i, 'create_instance', {
        serviceId: 'minio-minio',
        name: `quota${11 + i}`,
        options: { RootUser: 'admin', RootPassword: 'pw' },
      });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(
        /^Nothing was created: this connection has reached its quota of instance creates for now\. Try again in about \d+ minutes?\. \(reference [0-9a-f]{12}\)$/,
      );
      expect(r.structuredContent).toBeUndefined();
    }
    expect((await created()) - before).toBe(10);
    // The grant's other tools still work: the create quota is not the call budget.
    expect(
      (await tool(b.mcpUrl, u1.tokens.access_token, 30, 'list_instances', { serviceId: 'minio-minio' })).isError,
    ).toBeFalsy();

    // U2's grant has its own quota.
    const u2 = await connect(stack.url, { user: 'bob' });
    const r2 = await tool(stack.mcpUrl, u2.tokens.access_token, 1, 'create_instance', {
      serviceId: 'valkey-io-valkey',
      name: 'cache1',
    });
    expect(r2.isError, textOf(r2)).toBeFalsy();
    expect((await created()) - before).toBe(11);

    // In Redis, per grant, for the hour.
    const keys = await stack.redis.keys(`${stack.prefix}rl:creates*`);
    expect(keys).toHaveLength(2);
    const counts = (await Promise.all(keys.map((k) => stack.redis.get(k)))).map(Number).sort((x, y) => x - y);
    expect(counts).toEqual([1, 12]);
    for (const k of keys) {
      const ttl = await stack.redis.pttl(k);
      expect(ttl).toBeGreaterThan(3_500_000);
      expect(ttl).toBeLessThanOrEqual(3_600_000);
    }
  });
});

describe('INPUT-08: /token requests per grant (50 per 15 min), two replicas', () => {
  it("grant C's 51st refresh is refused with 429; client D is unaffected; nothing is revoked", async () => {
    // Distinct metadata: identical public registrations share one client_id (src/oauth/register.ts).
    const c = await connect(stack.url, { user: 'carol', meta: { client_name: 'Client C' } });
    const d = await connect(stack.url, { user: 'bob', meta: { client_name: 'Client D' } });
    expect(c.client.client_id).not.toBe(d.client.client_id);
    let cTokens: Tokens = c.tokens;
    let dRt = d.tokens.refresh_token;
    const urls = [stack.url, b.url];
    // The code exchange was charged to the code; refreshes 1-50 are the grant's 50.
    for (let i = 1; i <= 50; i++) {
      const r = await refresh(urls[i % 2]!, c.client, cTokens.refresh_token);
      expect(r.status, `refresh ${i}: ${JSON.stringify(r.body)}`).toBe(200);
      cTokens = r.body as unknown as Tokens;
      if (i % 10 === 0) {
        const rd = await refresh(urls[(i + 1) % 2]!, d.client, dRt);
        expect(rd.status).toBe(200);
        dRt = rd.body.refresh_token as string;
      }
    }
    // The 51st refresh and the 52nd, on each replica.
    for (const url of urls) {
      const over = await refresh(url, c.client, cTokens.refresh_token);
      expect(over.status).toBe(429);
      expect(over.body.error).toBe('too_many_requests');
      const retryAfter = Number(over.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(900);
      expect(over.headers.get('cache-control')).toBe('no-store');
    }
    // D, another client from the same address, refreshes on both replicas.
    for (const url of urls) {
      const rd = await refresh(url, d.client, dRt);
      expect(rd.status).toBe(200);
      dRt = rd.body.refresh_token as string;
    }
    // A refused refresh revokes nothing: C's current access token still works.
    expect((await tool(b.mcpUrl, cTokens.access_token, 1, 'token_balance')).isError).toBeFalsy();
  });
});
