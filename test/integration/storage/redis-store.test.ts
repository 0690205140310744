/**
 * RedisTokenStore against a real redis-server: the shared contract (REDIS-01), TTL on every
 * key (REDIS-08), no raw secret at rest (SECRETS-02), fail fast while Redis is down (docs/security.md, "Availability",
 * REDIS-02), recovery within a second (REDIS-04) and READONLY after a failover (REDIS-07).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashSecret, randomToken } from '../../../src/storage/hash.js';
import { createRedisClient, whenReady, type Redis } from '../../../src/storage/redis-client.js';
import { RedisTokenStore } from '../../../src/storage/redis-store.js';
import { createSealer } from '../../../src/storage/seal.js';
import { freePort } from '../../support/net.js';
import { scanKeys } from '../../support/redis-keys.js';
import { TestRedis } from '../../support/redis-server.js';
import { sampleRecords } from '../../support/store-contract-harness.js';
import { describeTokenStore } from '../../support/token-store-contract.js';
import { until } from '../../support/wait.js';
import { StoreUnavailableError } from '../../../src/errors.js';

const url = inject('redisUrl');
const filePrefix = `test:${randomUUID()}:`;
let client: Redis;

beforeAll(async () => {
  client = createRedisClient(url);
  await whenReady(client);
});
afterAll(async () => {
  const keys = await keysUnder(filePrefix);
  if (keys.length) await client.del(...keys);
  await client.quit();
});

const keysUnder = (prefix: string) => scanKeys(client, `${prefix}*`);

describeTokenStore('redis', async () => {
  const store = new RedisTokenStore(client, { prefix: `${filePrefix}${randomUUID()}:`, closeClient: false });
  return { store, cleanup: () => store.close() };
});

describe('RedisTokenStore specifics', () => {
  it('gives every key it writes a TTL, index and lock included (REDIS-08)', async () => {
    const prefix = `${filePrefix}ttl:`;
    const store = new RedisTokenStore(client, { prefix, closeClient: false });
    const recs = sampleRecords('g-ttl');
    for (const kind of Object.keys(recs) as (keyof typeof recs)[]) await store.put(kind, `id-${kind}`, recs[kind], 120);
    await store.putIfAbsent('refresh', 'nx', recs.refresh, 120);
    await store.acquireLock('refresh:g-ttl', 15_000);
    const keys = await keysUnder(prefix);
    expect(keys).toContain(`${prefix}grantidx:g-ttl`);
    expect(keys).toContain(`${prefix}lock:refresh:g-ttl`);
    expect(keys).toHaveLength(Object.keys(recs).length + 3);
    for (const k of keys) {
      const pttl = await client.pttl(k);
      expect(pttl, k).toBeGreaterThan(0);
    }
  });

  it('keeps the grant index alive as long as its longest member, and prunes it', async () => {
    const prefix = `${filePrefix}idx:`;
    const store = new RedisTokenStore(client, { prefix, closeClient: false });
    await store.put('access', 'long', sampleRecords('g').access, 600);
    await store.put('code', 'short', sampleRecords('g').code, 5);
    expect(await client.pttl(`${prefix}grantidx:g`)).toBeGreaterThan(590_000);
    await store.take('code', 'short');
    expect(await client.zrange(`${prefix}grantidx:g`, '0', '-1')).toEqual(['access:long']);
    await store.delete('access', 'long');
    expect(await client.exists(`${prefix}grantidx:g`)).toBe(0);
    await store.put('access', 'again', sampleRecords('g').access, 600);
    await store.revokeGrant('g');
    expect(await keysUnder(prefix)).toEqual([]);
  });

  it('stores our secrets only as hashes and OSC tokens only sealed (SECRETS-02)', async () => {
    const prefix = `${filePrefix}secrets:`;
    const store = new RedisTokenStore(client, { prefix, closeClient: false });
    const sealer = createSealer([randomBytes(32)]);
    const canary = `osc_pat_CANARY${randomUUID().replaceAll('-', '')}`;
    const raw = ['oscm_at_', 'oscm_rt_', 'oscm_code_'].map((p) => randomToken(p));
    const recs = sampleRecords('g-sec');
    await store.put('grant', 'g-sec', { ...recs.grant, oscSealed: sealer.seal(canary, 'g-sec') }, 60);
    await store.put('access', hashSecret(raw[0]!), recs.access, 60);
    await store.put('refresh', hashSecret(raw[1]!), recs.refresh, 60);
    await store.put('code', hashSecret(raw[2]!), recs.code, 60);
    const keys = await keysUnder(prefix);
    expect(keys).toContain(`${prefix}access:${hashSecret(raw[0]!)}`);
    const dump = (
      await Promise.all(
        keys.map(
          async (k) =>
            `${k}=${(await client.type(k)) === 'string' ? await client.get(k) : (await client.zrange(k, '0', '-1')).join(',')}`,
        ),
      )
    ).join('\n');
    for (const secret of [canary, ...raw]) expect(dump).not.toContain(secret);
    expect(sealer.open((await store.get('grant', 'g-sec'))!.oscSealed, 'g-sec')).toBe(canary);
  });
});

// ---- A Redis of our own, to stop and start (the shared one must stay up). ----

/** Asserts the call rejects with StoreUnavailableError and returns how long it took. */
async function rejectsUnavailable(fn: () => Promise<unknown>): Promise<number> {
  const start = Date.now();
  await expect(fn()).rejects.toBeInstanceOf(StoreUnavailableError);
  return Date.now() - start;
}

describe('RedisTokenStore when Redis goes away', () => {
  let server: TestRedis;
  let own: Redis;
  let store: RedisTokenStore;
  const crashes: unknown[] = [];
  const onCrash = (e: unknown): void => void crashes.push(e);

  beforeAll(async () => {
    process.on('unhandledRejection', onCrash).on('uncaughtException', onCrash);
    server = await TestRedis.start();
    own = createRedisClient(server.url);
    await until(() => whenReady(own, 200), 5_000);
    store = new RedisTokenStore(own, { prefix: 'failfast:' });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onCrash).off('uncaughtException', onCrash);
    await store.close();
    await server.stop();
  });

  it('rejects within 250 ms while Redis is down, and recovers within 1 s of its return', async () => {
    await store.put('redeemed', 'a', { grantId: 'g', clientId: 'c', codeChallenge: 'x' }, 60);
    await server.kill();
    for (let i = 0; i < 3; i++) {
      expect(await rejectsUnavailable(() => store.get('redeemed', 'a'))).toBeLessThan(250);
      expect(
        await rejectsUnavailable(() =>
          store.put('redeemed', 'b', { grantId: 'g', clientId: 'c', codeChallenge: 'x' }, 60),
        ),
      ).toBeLessThan(250);
      expect(await rejectsUnavailable(() => store.take('code', 'c'))).toBeLessThan(250);
    }
    await server.resume();
    const probe = createRedisClient(server.url, { connectTimeoutMs: 200 });
    await until(() => probe.ping(), 5_000); // Redis accepts connections from here on
    probe.disconnect();
    expect(
      await until(() => store.put('redeemed', 'b', { grantId: 'g', clientId: 'c', codeChallenge: 'x' }, 60), 5_000),
    ).toBeLessThan(1_000);
    expect(await store.get('redeemed', 'b')).toEqual({ grantId: 'g', clientId: 'c', codeChallenge: 'x' });
    expect(crashes).toEqual([]);
  });

  it('rejects instead of hanging while Redis is frozen, and resumes afterwards', async () => {
    await until(() => store.ping(), 5_000);
    server.freeze();
    try {
      // A frozen server keeps the socket open: commandTimeout (1 s by default) is what ends the wait.
      await rejectsUnavailable(() => store.get('redeemed', 'b'));
    } finally {
      server.thaw();
    }
    expect(await until(() => store.get('redeemed', 'b'), 5_000)).toBeLessThan(1_000);
    expect(crashes).toEqual([]);
  });

  it('answers StoreUnavailableError on a read-only replica and recovers when writable (REDIS-07)', async () => {
    await own.call('REPLICAOF', '127.0.0.1', String(await freePort()));
    try {
      await rejectsUnavailable(() =>
        store.put('redeemed', 'ro', { grantId: 'g', clientId: 'c', codeChallenge: 'x' }, 60),
      );
      await rejectsUnavailable(() => store.take('redeemed', 'b'));
    } finally {
      const admin = createRedisClient(server.url);
      await until(() => admin.call('REPLICAOF', 'NO', 'ONE'), 5_000);
      admin.disconnect();
    }
    await until(() => store.put('redeemed', 'ro', { grantId: 'g', clientId: 'c', codeChallenge: 'x' }, 60), 5_000);
    expect(await store.get('redeemed', 'ro')).toEqual({ grantId: 'g', clientId: 'c', codeChallenge: 'x' });
    expect(crashes).toEqual([]);
  });
});
