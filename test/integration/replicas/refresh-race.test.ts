// Cross-replica single-flight refresh of the OSC token (docs/architecture.md, "Token lifecycle"):
// UPSTREAM-03 (three replicas, one refresh), UPSTREAM-05 (fencing), REDIS-09 and
// UPSTREAM-04 (a replica killed while holding the lock).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Agent } from 'undici';
import { startRedisStack, type RedisStack } from '../../support/redis-stack.js';
import { spawnReplica, type ReplicaProcess } from '../../support/replica-process.js';
import { TEST_SEAL_KEY, type Replica } from '../../support/stack.js';
import { connect, mcpPost } from '../../support/oauth-flow.js';
import type { GrantRecord } from '../../../src/storage/records.js';

let offsetMs = 0;
const now = () => Date.now() + offsetMs;
/** Inside the OSC token's 120 s refresh margin, before our own access token expires. */
const EXPIRE_OSC = 3550_000;

const balance = (mcpUrl: string, at: string, id = 1) =>
  mcpPost(mcpUrl, at, { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'token_balance', arguments: {} } });

async function onlyGrant(stack: RedisStack, grantIds: Set<string>): Promise<GrantRecord> {
  const keys = await stack.redis.keys(`${stack.prefix}grant:*`);
  const fresh = keys.map((k) => k.slice(`${stack.prefix}grant:`.length)).filter((id) => !grantIds.has(id));
  expect(fresh).toHaveLength(1);
  grantIds.add(fresh[0]!);
  return (await stack.store.get('grant', fresh[0]!))!;
}

describe.each([
  ['default 15 s', undefined],
  ['short 300 ms', 300],
] as const)('three replicas, %s refresh locks', (_name, refreshLockTtlMs) => {
  let stack: RedisStack;
  let b: Replica;
  let c: Replica;
  const seen = new Set<string>();
  beforeAll(async () => {
    stack = await startRedisStack({ overrides: { now, refreshLockTtlMs } });
    b = await stack.addReplica();
    c = await stack.addReplica();
  });
  afterAll(() => stack.close());

  // With a 300 ms lock a slow machine may let a second replica in: correctness then rests on
  // fencing alone (UPSTREAM-05), so the exact count is asserted with the production lock.
  it.runIf(refreshLockTtlMs === undefined)(
    'UPSTREAM-03: 20 concurrent calls on each of 3 replicas → 1 OSC refresh, 60 successes, grant version +1',
    async () => {
      const { tokens } = await connect(stack.url, { user: 'alice' });
      const before = await onlyGrant(stack, seen);
      const stats0 = await stack.emulator.control.stats();
      offsetMs = EXPIRE_OSC;
      try {
        const urls = [stack.mcpUrl, b.mcpUrl, c.mcpUrl];
        const results = await Promise.all(
          Array.from({ length: 60 }, (_, i) => balance(urls[i % 3]!, tokens.access_token, i)),
        );
        expect(results.map((r) => r.status)).toEqual(Array(60).fill(200));
        const stats1 = await stack.emulator.control.stats();
        expect(stats1.refreshes - stats0.refreshes).toBe(1);
        expect(stats1.refreshFailures - stats0.refreshFailures).toBe(0);
        const after = (await stack.store.get('grant', before.id))!;
        expect(after.version).toBe(before.version + 1);
      } finally {
        offsetMs = 0;
      }
    },
  );

  it.runIf(refreshLockTtlMs !== undefined)(
    'UPSTREAM-05: a holder that outlives its lock cannot overwrite newer tokens, nor kill the grant',
    async () => {
      const { tokens } = await connect(stack.url, { user: 'bob' });
      const start = await onlyGrant(stack, seen);
      offsetMs = EXPIRE_OSC;
      try {
        // A's refresh reaches OSC only after 1.5 s, long after its 300 ms lock expired.
        await stack.emulator.control.failNext('oauth.token.refresh', { delayMs: 1500 }, 1);
        const callA = balance(stack.mcpUrl, tokens.access_token, 1);
        await new Promise((r) => setTimeout(r, 500));
        const resB = await balance(b.mcpUrl, tokens.access_token, 2);
        expect(resB.status).toBe(200);
        const afterB = (await stack.store.get('grant', start.id))!;
        expect(afterB.version).toBe(start.version + 1);
        const resA = await callA;
        expect(resA.status).toBe(200);
        expect(await resA.text()).not.toContain('"isError":true');
        // OSC refused A's stale refresh token; B's tokens stand and the grant lives.
        const final = (await stack.store.get('grant', start.id))!;
        expect(final.oscSealed).toBe(afterB.oscSealed);
        expect((await balance(c.mcpUrl, tokens.access_token, 3)).status).toBe(200);
      } finally {
        offsetMs = 0;
      }
    },
  );
});

describe('a replica process killed while holding the refresh lock (REDIS-09, UPSTREAM-04)', () => {
  let stack: RedisStack;
  let a: ReplicaProcess | undefined;
  beforeAll(async () => {
    // OSC tokens live 8 s here, so their refresh margin is 4 s (docs/architecture.md, "Interface contract").
    stack = await startRedisStack({ emulator: { accessTokenTtlS: 8 } });
  });
  afterAll(async () => {
    await a?.kill();
    await stack.close();
  });

  it('the other replica proceeds once the lock expires: success or a clean challenge, never a 500, within lock TTL + 10 s', async () => {
    a = await spawnReplica({
      OSC_EMULATOR_URL: stack.emulator.url,
      REDIS_URL: inject('redisUrl'),
      REDIS_KEY_PREFIX: stack.prefix,
      SEAL_KEYS: TEST_SEAL_KEY,
      PUBLIC_URL: stack.url,
    });
    const { tokens } = await connect(stack.url, { user: 'carol' });
    await new Promise((r) => setTimeout(r, 4200)); // the OSC token is now within its margin
    await stack.emulator.control.failNext('oauth.token.refresh', { delayMs: 10_000 }, 1);
    void balance(a.mcpUrl, tokens.access_token, 1).catch(() => undefined);
    const lockKey = async () => stack.redis.keys(`${stack.prefix}lock:*`);
    // Kill A only once its refresh is at OSC (held there 10 s) and it holds the lock.
    const started = Date.now();
    while ((await stack.emulator.control.calls('oauth.token.refresh')) === 0 || (await lockKey()).length === 0) {
      if (Date.now() - started > 5000) throw new Error('replica A never started its refresh');
      await new Promise((r) => setTimeout(r, 20));
    }
    await a.kill();
    const t0 = Date.now();
    // This request may wait out the dead holder's 15 s lock: give it a client of its own
    // (the process-wide dispatcher bounds OSC calls at 10 s).
    const patient = new Agent({ headersTimeout: 60_000, bodyTimeout: 60_000 });
    const res = await fetch(stack.mcpUrl, {
      method: 'POST',
      dispatcher: patient,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${tokens.access_token}`,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'token_balance', arguments: {} },
      }),
    } as RequestInit);
    const text = await res.text();
    await patient.close();
    const waited = Date.now() - t0;
    expect([200, 401], `${res.status} after ${waited} ms: ${text}; ${stack.logs.join('')}`).toContain(res.status);
    expect(waited).toBeLessThan(25_000);
    for (const key of await lockKey()) expect(await stack.redis.pttl(key)).toBeGreaterThan(0);
  }, 60_000);
});
