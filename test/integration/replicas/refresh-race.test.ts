// Cross-replica single-flight refresh of the OSC token (docs/architecture.md, "Token lifecycle"):
// UPSTREAM-03 (three replicas, one refresh), UPSTREAM-05 (fencing), REDIS-09 and
// UPSTREAM-04 (a replica killed while holding the lock).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startRedisStack, type RedisStack } from '../../support/redis-stack.js';
import { spawnReplica, type ReplicaProcess } from '../../support/replica-process.js';
import { TEST_SEAL_KEY, type Replica } from '../../support/stack.js';
import { connect, mcpPost } from '../../support/oauth-flow.js';
import type { GrantRecord } from '../../../src/storage/records.js';
import { DEFAULTS } from '../../../src/defaults.js';
import { until } from '../../support/wait.js';

/** These cases are about the lock, not fail-fast: a CPU-starved machine must not read as a Redis outage. */
const PATIENT_REDIS = { redisCommandTimeoutMs: 10_000 };

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

/** Three replicas on one Redis and one emulator, with this OSC refresh lock TTL (production's when undefined). */
function threeReplicas(refreshLockTtlMs: number | undefined) {
  const r = { seen: new Set<string>() } as { stack: RedisStack; b: Replica; c: Replica; seen: Set<string> };
  beforeAll(async () => {
    r.stack = await startRedisStack({ overrides: { now, refreshLockTtlMs, defaults: PATIENT_REDIS } });
    r.b = await r.stack.addReplica();
    r.c = await r.stack.addReplica();
  });
  afterAll(() => r.stack.close());
  return r;
}

describe('three replicas, default 15 s refresh locks', () => {
  const r = threeReplicas(undefined);
  // With a 300 ms lock a slow machine may let a second replica in: correctness then rests on
  // fencing alone (UPSTREAM-05), so the exact count is asserted with the production lock.
  it('UPSTREAM-03: 20 concurrent calls on each of 3 replicas → 1 OSC refresh, 60 successes, grant version +1', async () => {
    const { stack, b, c, seen } = r;
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
  });
});

describe('three replicas, short 300 ms refresh locks', () => {
  const r = threeReplicas(300);
  it('UPSTREAM-05: a holder that outlives its lock cannot overwrite newer tokens, nor kill the grant', async () => {
    const { stack, b, c, seen } = r;
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
  });
});

describe('a replica process killed while holding the refresh lock (REDIS-09, UPSTREAM-04)', () => {
  /** Both replicas' lock TTL: the dead holder's lock, which the survivor waits out, is this long. */
  const LOCK_TTL_MS = 2_000;
  let stack: RedisStack;
  let a: ReplicaProcess | undefined;
  beforeAll(async () => {
    // OSC tokens live 4 s here, so their refresh margin is 2 s (docs/architecture.md, "Interface contract").
    stack = await startRedisStack({
      emulator: { accessTokenTtlS: 4 },
      overrides: { defaults: { ...PATIENT_REDIS, refreshLockTtlMs: LOCK_TTL_MS } },
    });
  });
  afterAll(async () => {
    await a?.kill();
    await stack.close();
  });

  it("the other replica refreshes once the dead holder's lock expires and the call succeeds, within lock TTL + wait margin", async () => {
    a = await spawnReplica(
      {
        OSC_EMULATOR_URL: stack.emulator.url,
        REDIS_URL: inject('redisUrl'),
        REDIS_KEY_PREFIX: stack.prefix,
        SEAL_KEYS: TEST_SEAL_KEY,
        PUBLIC_URL: stack.url,
      },
      { defaults: { ...PATIENT_REDIS, refreshLockTtlMs: LOCK_TTL_MS } },
    );
    const { tokens } = await connect(stack.url, { user: 'carol' });
    const seen = new Set<string>();
    const start = await onlyGrant(stack, seen);
    await new Promise((r) => setTimeout(r, 2200)); // the OSC token is now within its margin
    // A's refresh is held at OSC before OSC looks at it, far longer than this case lasts:
    // the survivor's refresh, with the same refresh token, is the one OSC answers first.
    await stack.emulator.control.failNext('oauth.token.refresh', { delayMs: 120_000 }, 1);
    void balance(a.mcpUrl, tokens.access_token, 1).catch(() => undefined);
    const lockKey = async () => stack.redis.keys(`${stack.prefix}lock:*`);
    // Kill A once its refresh is at OSC and it holds the lock.
    await until(
      async () => (await stack.emulator.control.calls('oauth.token.refresh')) === 1 && (await lockKey()).length === 1,
      10_000,
      'replica A holding the lock with its refresh at OSC',
    );
    await a.kill();
    const t0 = Date.now();
    const res = await balance(stack.mcpUrl, tokens.access_token, 2);
    const text = await res.text();
    const waited = Date.now() - t0;
    expect(res.status, `${res.status} after ${waited} ms: ${text}; ${stack.logs.join('')}`).toBe(200);
    expect(text).not.toContain('"isError":true');
    expect(text).toContain('available');
    // The survivor refreshed once, after the lock, and stored the new pair.
    expect(await stack.emulator.control.calls('oauth.token.refresh')).toBe(2);
    expect((await stack.store.get('grant', start.id))!.version).toBe(start.version + 1);
    // A waiter gives up after the lock TTL plus its margin (src/defaults.ts); this one did not.
    expect(waited).toBeLessThan(LOCK_TTL_MS + DEFAULTS.refreshWaitMarginMs);
    expect(await lockKey()).toEqual([]);
  }, 120_000);
});
