/**
 * The Redis-backed limiter as two replicas see it: two limiter instances on two clients
 * share one budget; an outage is StoreUnavailableError (→ 503), never a silent pass.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRateLimiter } from '../../../src/storage/rate-limits.js';
import { createRedisClient, whenReady, type Redis } from '../../../src/storage/redis-client.js';
import { StoreUnavailableError } from '../../../src/errors.js';

const url = inject('redisUrl');
const prefix = `test:${randomUUID()}:rl`;
let a: Redis;
let b: Redis;

beforeAll(async () => {
  [a, b] = [createRedisClient(url), createRedisClient(url)];
  await Promise.all([whenReady(a), whenReady(b)]);
});
afterAll(async () => {
  const keys = await a.keys(`${prefix}*`);
  if (keys.length) await a.del(...keys);
  await Promise.all([a.quit(), b.quit()]);
});

describe('createRateLimiter (Redis)', () => {
  it('two replicas share one budget per key', async () => {
    const replicaA = createRateLimiter({ redis: a, keyPrefix: `${prefix}:token`, points: 4, durationS: 60 });
    const replicaB = createRateLimiter({ redis: b, keyPrefix: `${prefix}:token`, points: 4, durationS: 60 });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await replicaA.consume('client-1'), await replicaB.consume('client-1'));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, false, false]);
    expect(results[5]!.retryAfterS).toBeGreaterThan(0);
    expect(results[5]!.retryAfterS).toBeLessThanOrEqual(60);
    expect((await replicaB.consume('client-2')).allowed).toBe(true);
    // Another limiter (another prefix) has its own budget.
    const other = createRateLimiter({ redis: b, keyPrefix: `${prefix}:register`, points: 1, durationS: 60 });
    expect((await other.consume('client-1')).allowed).toBe(true);
  });

  it('counts parallel calls exactly', async () => {
    const rl = createRateLimiter({ redis: a, keyPrefix: `${prefix}:burst`, points: 10, durationS: 60 });
    const rl2 = createRateLimiter({ redis: b, keyPrefix: `${prefix}:burst`, points: 10, durationS: 60 });
    const all = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? rl : rl2).consume('k')));
    expect(all.filter((r) => r.allowed)).toHaveLength(10);
  });

  it('gives its counters a TTL (REDIS-08)', async () => {
    await createRateLimiter({ redis: a, keyPrefix: `${prefix}:ttl`, points: 5, durationS: 60 }).consume('k');
    const keys = await a.keys(`${prefix}:ttl*`);
    expect(keys).toHaveLength(1);
    expect(await a.pttl(keys[0]!)).toBeGreaterThan(0);
  });

  it('answers StoreUnavailableError when Redis cannot be reached', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const dead = createRedisClient(`redis://127.0.0.1:${port}`);
    try {
      const rl = createRateLimiter({ redis: dead, keyPrefix: `${prefix}:dead`, points: 5, durationS: 60 });
      await expect(rl.consume('k')).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      dead.disconnect();
    }
  });
});
