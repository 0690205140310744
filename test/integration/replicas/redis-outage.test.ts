// The store down (docs/architecture.md, "Storage"; docs/security.md, "Availability"): REDIS-02, -03, -04, -05, -08.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { redisAnswers, TestRedis } from '../../support/redis-server.js';
import { startStack, type Stack } from '../../support/stack.js';
import { RedisTokenStore } from '../../../src/storage/redis-store.js';
import { createRedisClient, whenReady, type Redis } from '../../../src/storage/redis-client.js';
import {
  authorize,
  authorizeUrl,
  Browser,
  connect,
  mcpPost,
  refresh,
  registerClient,
} from '../../support/oauth-flow.js';
import { approveAtEmulator, pkcePair } from '../../support/emulator.js';
import { scanKeys } from '../../support/redis-keys.js';
import { ownTime, until } from '../../support/wait.js';

async function stackOn(redisServer: TestRedis): Promise<{ stack: Stack; redis: Redis }> {
  const redis = createRedisClient(redisServer.url);
  await whenReady(redis);
  const prefix = `o${randomBytes(3).toString('hex')}:`;
  const store = new RedisTokenStore(redis, { prefix, closeClient: false });
  const stack = await startStack({ store, overrides: { redis }, env: { REDIS_KEY_PREFIX: prefix } });
  return { stack, redis };
}

/**
 * "Back within 1 s": a registration (new work, so it needs Redis) succeeds within 1 s of the
 * app's own time after Redis answers again. The app reconnects every 500 ms at most
 * (src/storage/redis-client.ts reconnectDelay); the time this process waited for a core (the
 * other test workers on a loaded machine) is not the app's (../../support/wait.ts ownTime).
 */
async function expectBackWithinOneSecond(url: string, id: string): Promise<void> {
  const register = () =>
    fetch(`${url}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:9/cb'], token_endpoint_auth_method: 'none' }),
    });
  const { ms, waitedMs } = await ownTime(() => until(async () => (await register()).status === 201, 10_000));
  console.log(
    `${id}: first 2xx after ${ms.toFixed(0)} ms of the app's time (and ${waitedMs.toFixed(0)} ms waiting for a core)`,
  );
  expect(ms).toBeLessThanOrEqual(1000);
}

const tools = (mcpUrl: string, at: string) => mcpPost(mcpUrl, at, { jsonrpc: '2.0', id: 1, method: 'tools/list' });

describe('Redis stopped and restarted (REDIS-02, REDIS-05)', () => {
  let server: TestRedis;
  let stack: Stack;
  let redis: Redis;
  beforeAll(async () => {
    server = await TestRedis.start();
    ({ stack, redis } = await stackOn(server));
  });
  // Each case starts with Redis up, whatever the case before it left behind.
  beforeEach(async () => {
    if (!(await redisAnswers(server.port))) await server.resume();
  });
  afterAll(async () => {
    await stack.close();
    redis.disconnect();
    await server.stop();
  });

  it('REDIS-02: every route answers 503 with Retry-After within 250 ms, never 401 or 500, and the process stays up; back within 1 s', async () => {
    const { client, tokens } = await connect(stack.url, { user: 'alice' });
    await server.kill();
    const { challenge } = pkcePair();
    const probes: Array<[string, () => Promise<Response>]> = [
      ['/mcp', () => tools(stack.mcpUrl, tokens.access_token)],
      [
        '/token',
        () =>
          fetch(`${stack.url}/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              grant_type: 'refresh_token',
              refresh_token: tokens.refresh_token,
              client_id: client.client_id,
            }),
          }),
      ],
      [
        '/register',
        () =>
          fetch(`${stack.url}/register`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:9/cb'], token_endpoint_auth_method: 'none' }),
          }),
      ],
      [
        '/authorize',
        () =>
          fetch(
            authorizeUrl(stack.url, { clientId: client.client_id, redirectUri: client.redirect_uris[0]!, challenge }),
            { redirect: 'manual' },
          ),
      ],
      ['/readyz', () => fetch(`${stack.url}/readyz`)],
      // The secret pages (SECRET-08): a link's record is read before anything else.
      ['GET /secrets/enter', () => fetch(`${stack.url}/secrets/enter/${'A'.repeat(43)}`, { redirect: 'manual' })],
      [
        'POST /secrets/enter',
        () =>
          fetch(`${stack.url}/secrets/enter/${'A'.repeat(43)}`, {
            method: 'POST',
            redirect: 'manual',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ csrf: 'x', secretValue: 'never-stored' }),
          }),
      ],
      [
        'GET /secrets/connection',
        () => fetch(`${stack.url}/secrets/connection/${'A'.repeat(43)}`, { redirect: 'manual' }),
      ],
    ];
    for (const [name, probe] of probes) {
      const { value: res, ms } = await ownTime(probe);
      expect(res.status, name).toBe(503);
      expect(Number(res.headers.get('retry-after')), name).toBeGreaterThan(0);
      expect(ms, name).toBeLessThan(250);
    }
    expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);

    // This Redis keeps nothing on disk, so "back" means new work succeeds: a registration.
    await server.resume();
    await expectBackWithinOneSecond(stack.url, 'REDIS-02');
  });

  it('REDIS-05: Redis restarted without persistence → /mcp challenges, refresh is refused cleanly, no 500', async () => {
    const { client, tokens } = await connect(stack.url, { user: 'bob' });
    await server.kill();
    await server.resume();
    await until(async () => (await fetch(`${stack.url}/readyz`)).status === 200, 2000);
    const res = await tools(stack.mcpUrl, tokens.access_token);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    // The client's registration (DCR) was lost with everything else: invalid_client (401) is
    // the precise answer (RFC 6749 §5.2). Never a 500.
    const r = await refresh(stack.url, client, tokens.refresh_token);
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('invalid_client');
  });

  it('REDIS-03: Redis gone after the OSC exchange, before the grant is stored → a local "try again" page, no code; a new flow works afterwards', async () => {
    const client = await registerClient(stack.url);
    const browser = new Browser();
    const { challenge } = pkcePair();
    const page = await browser.get(
      authorizeUrl(stack.url, { clientId: client.client_id, redirectUri: client.redirect_uris[0]!, challenge }),
    );
    const html = await page.text();
    const pending = /name="pending" value="([^"]+)"/.exec(html)![1]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const consent = await browser.post(
      `${stack.url}/consent`,
      new URLSearchParams({ pending, csrf, decision: 'approve', scope: 'osc:read' }),
    );
    const back = await approveAtEmulator(consent.headers.get('location')!, 'alice');
    // The emulator has issued its code; our callback will need the store.
    await server.kill();
    const cb = await browser.get(back.toString());
    expect(cb.status).toBe(503);
    expect(cb.headers.get('location')).toBeNull();
    expect(await cb.text()).toMatch(/try again/i);
    await server.resume();
    await until(async () => (await fetch(`${stack.url}/readyz`)).status === 200, 2000);
    const again = await authorize(stack.url, { client: await registerClient(stack.url), user: 'alice' });
    expect(again.code).toBeTruthy();
    for (const line of stack.logs) expect(line).not.toMatch(/oscm_(?:at|rt|code)_[A-Za-z0-9_-]{20}|osc_rt_CANARY/);
  });
});

describe('Redis with AOF (REDIS-04) and key hygiene (REDIS-08)', () => {
  let server: TestRedis;
  let stack: Stack;
  let redis: Redis;
  beforeAll(async () => {
    server = await TestRedis.start({ aof: true });
    ({ stack, redis } = await stackOn(server));
  });
  afterAll(async () => {
    await stack.close();
    redis.disconnect();
    await server.stop();
  });

  it('REDIS-04: kill -9 of Redis 2 s after the last write, restart: the same token works, TTLs kept, first 2xx within 1 s of Redis answering', async () => {
    await connect(stack.url, { user: 'carol' });
    await new Promise((r) => setTimeout(r, 2000)); // appendfsync everysec
    await server.kill();
    // This Redis keeps nothing on disk, so "back" means new work succeeds: a registration.
    await server.resume();
    await expectBackWithinOneSecond(stack.url, 'REDIS-04');
  });

  it('REDIS-08: every key has a TTL', async () => {
    for (const user of ['alice', 'bob', 'carol']) {
      const { client, tokens } = await connect(stack.url, { user });
      await refresh(stack.url, client, tokens.refresh_token);
      await mcpPost(stack.mcpUrl, tokens.access_token, {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'token_balance', arguments: {} },
      });
    }
    const keys = await scanKeys(redis);
    expect(keys.length).toBeGreaterThan(10);
    const ttls = await Promise.all(keys.map((k) => redis.pttl(k)));
    const forever = keys.filter((_, i) => ttls[i] === -1);
    expect(forever).toEqual([]);
  });
});
