// Issue "Redis store and horizontal scale-out": any replica serves any request, nothing is
// lost. MCP-08, OAUTH-24, OAUTH-07 (shared limit), UPSTREAM-03 (cross-replica single flight).
import { refreshKeyOf } from '../../../src/oauth/issue.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { startRedisStack, type RedisStack } from '../../support/redis-stack.js';
import {
  authorize,
  connect,
  mcpPost,
  refresh,
  registerClient,
  tokenRequest,
  clientAuth,
} from '../../support/oauth-flow.js';
import type { Replica } from '../../support/stack.js';
import { modernPost } from '../../support/mcp-modern.js';
import { ALL_TOOLS_COUNT } from '../../support/mcp-stack.js';
import { hashSecret } from '../../../src/storage/hash.js';

/** One clock for every replica of the stack, so a test can make the OSC token "expire". */
let offsetMs = 0;
const now = () => Date.now() + offsetMs;

let stack: RedisStack;
let b: Replica;
beforeAll(async () => {
  stack = await startRedisStack({ overrides: { now }, env: { REGISTRATIONS_PER_HOUR: '20' } });
  b = await stack.addReplica();
});
afterAll(() => stack.close());

function postFrom(localAddress: string, url: string, body: string): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const listTools = (url: string, at: string) => mcpPost(url, at, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
const balance = (url: string, at: string, id: number) =>
  mcpPost(url, at, { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'token_balance', arguments: {} } });

describe('several replicas on one Redis', () => {
  it('a token issued through replica A works on replica B, and a refresh on B works on A', async () => {
    const { client, tokens } = await connect(stack.url, { user: 'alice' });
    expect((await listTools(b.mcpUrl, tokens.access_token)).status).toBe(200);
    const rotated = await refresh(b.url, client, tokens.refresh_token);
    expect(rotated.status).toBe(200);
    expect((await listTools(stack.mcpUrl, rotated.body.access_token as string)).status).toBe(200);
  });

  it('MCP 2026-07-28 needs no session: server/discover on A, tools/list on B, tools/call on A', async () => {
    const { tokens } = await connect(stack.url, { user: 'alice' });
    const at = tokens.access_token;
    const discover = await modernPost(stack.mcpUrl, at, 1, 'server/discover');
    expect(discover.status).toBe(200);
    const list = (await (await modernPost(b.mcpUrl, at, 2, 'tools/list')).json()) as { result: { tools: unknown[] } };
    expect(list.result.tools).toHaveLength(ALL_TOOLS_COUNT);
    const call = (await (
      await modernPost(stack.mcpUrl, at, 3, 'tools/call', { name: 'token_balance', arguments: {} })
    ).json()) as { result: { structuredContent: unknown } };
    expect(call.result.structuredContent).toMatchObject({ plan: 'PROFESSIONAL' });
  });

  it('MCP-08: after replica A restarts, its old access and refresh tokens still work', async () => {
    const a2 = await stack.addReplica();
    const { client, tokens } = await connect(a2.url, { user: 'carol' });
    await a2.close();
    const a3 = await stack.addReplica();
    const res = await balance(a3.mcpUrl, tokens.access_token, 7);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('PERSONAL');
    const rotated = await refresh(a3.url, client, tokens.refresh_token);
    expect(rotated.status).toBe(200);
  });

  it('a grant keeps one refresh record however often it rotates; every rotated token still revokes it (issue 18)', async () => {
    const { client, tokens } = await connect(stack.url, { user: 'bob' });
    let rt = tokens.refresh_token;
    const rotated: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await refresh(i % 2 ? b.url : stack.url, client, rt);
      expect(r.status).toBe(200);
      rotated.push(rt);
      rt = r.body.refresh_token as string;
    }
    // Same family, one key, renewed to the refresh lifetime by the last rotation.
    expect(new Set([...rotated, rt].map(refreshKeyOf)).size).toBe(1);
    for (const old of rotated) expect(await stack.redis.exists(`${stack.prefix}refresh:${hashSecret(old)}`)).toBe(0);
    expect(await stack.redis.pttl(`${stack.prefix}refresh:${refreshKeyOf(rt)}`)).toBeGreaterThan(29 * 24 * 3600_000);
    // Reuse of the oldest still revokes the grant.
    expect((await refresh(stack.url, client, rotated[0]!)).body.error).toBe('invalid_grant');
    expect((await refresh(stack.url, client, rt)).body.error).toBe('invalid_grant');
  });

  it('OAUTH-24: 20 parallel exchanges of one code across two replicas → exactly one 200', async () => {
    const client = await registerClient(stack.url);
    const r = await authorize(stack.url, { client, user: 'alice' });
    const form = {
      grant_type: 'authorization_code',
      code: r.code!,
      code_verifier: r.verifier,
      redirect_uri: r.redirectUri,
      ...clientAuth(client),
    };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => tokenRequest(i % 2 ? b.url : stack.url, form)),
    );
    expect(
      results.filter((x) => x.status === 200),
      JSON.stringify(results.map((x) => [x.status, x.body])),
    ).toHaveLength(1);
    expect(results.filter((x) => x.status === 400 && x.body.error === 'invalid_grant')).toHaveLength(19);
  });

  it('with the OSC token expired, 10 concurrent tool calls on each of two replicas cause exactly one OSC refresh and no failed call', async () => {
    const { tokens } = await connect(stack.url, { user: 'alice' });
    const before = (await stack.emulator.control.stats()).refreshes;
    // The OSC token (3600 s) is now inside the 120 s refresh margin on both replicas, while
    // our own access token (3600 s) is still valid.
    offsetMs += 3550_000;
    try {
      const calls = Array.from({ length: 20 }, (_, i) =>
        balance(i % 2 ? b.mcpUrl : stack.mcpUrl, tokens.access_token, 100 + i),
      );
      const results = await Promise.all(calls);
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
      const bodies = await Promise.all(results.map((r) => r.text()));
      for (const body of bodies) expect(body).not.toContain('"isError":true');
      expect((await stack.emulator.control.stats()).refreshes - before).toBe(1);
    } finally {
      offsetMs -= 3550_000;
    }
  });

  it('OAUTH-07: the registration limit is shared: 10 via A and 11 via B from one address → the 21st is 429', async () => {
    // From an address of its own (127.0.0.2), so earlier registrations do not count.
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const body = JSON.stringify({
        client_name: `c${i}`,
        redirect_uris: [`http://127.0.0.1:9/cb${i}`],
        token_endpoint_auth_method: 'none',
      });
      const res = await postFrom('127.0.0.2', `${i < 10 ? stack.url : b.url}/register`, body);
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.retryAfter)).toBeGreaterThan(0);
    }
    expect(statuses.slice(0, 20), statuses.join(',')).toEqual(Array(20).fill(201));
    expect(statuses[20]).toBe(429);
  });
});
