/**
 * Redis-backed stacks: several in-process replicas on one Redis (a random key prefix per
 * stack, so test files never see each other's keys) and one emulator.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { RedisTokenStore } from '../../src/storage/redis-store.js';
import { createRedisClient, whenReady, type Redis } from '../../src/storage/redis-client.js';
import type { ServerOverrides } from '../../src/server.js';
import { startStack, type Stack, type StackOptions } from './stack.js';

export interface RedisStack extends Stack {
  redis: Redis;
  prefix: string;
}

export async function redisStore(
  url = inject('redisUrl'),
  commandTimeoutMs?: number,
): Promise<{ store: RedisTokenStore; redis: Redis; prefix: string }> {
  const redis = createRedisClient(url, { commandTimeoutMs });
  await whenReady(redis);
  const prefix = `t${randomBytes(4).toString('hex')}:`;
  return { store: new RedisTokenStore(redis, { prefix, closeClient: false }), redis, prefix };
}

export async function startRedisStack(opts: StackOptions & { overrides?: ServerOverrides } = {}): Promise<RedisStack> {
  // The stack's store is shared by its replicas: it takes their Redis command timeout.
  const { store, redis, prefix } = await redisStore(undefined, opts.overrides?.defaults?.redisCommandTimeoutMs);
  const stack = await startStack({
    ...opts,
    store,
    overrides: { redis, ...opts.overrides },
    env: { REDIS_KEY_PREFIX: prefix, ...opts.env },
  });
  const closeStack = stack.close.bind(stack);
  return Object.assign(stack, {
    redis,
    prefix,
    async close() {
      await closeStack();
      redis.disconnect();
    },
  });
}
