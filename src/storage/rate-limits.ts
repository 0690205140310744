/**
 * Rate limits for the OAuth endpoints (/register, /token), over rate-limiter-flexible.
 *
 * With a Redis client the counters live in Redis, so every replica counts against the same
 * budget (docs/architecture.md, "Storage": Redis is the engine for scale-out). No `insuranceLimiter`: a per-process
 * fallback would silently multiply the limit by the number of replicas during an outage.
 * Instead a store failure is a StoreUnavailableError, which the HTTP layer maps to 503 +
 * Retry-After like every other store outage (REDIS-02), never 429 or 500.
 */
import type { RedisClient } from './redis-client.js';
import { createRequire } from 'node:module';
import type * as Flexible from 'rate-limiter-flexible';
import { StoreUnavailableError } from '../errors.js';

// The package's index loads every backend it supports (Mongo, Postgres, DynamoDB, Etcd, …):
// 42 files at boot for the three classes used here, each one file of the same package, so
// `instanceof` sees the classes the limiters use (issue 18: cold start).
const require = createRequire(import.meta.url);
const RateLimiterMemory: typeof Flexible.RateLimiterMemory = require('rate-limiter-flexible/lib/RateLimiterMemory.js');
const RateLimiterRedis: typeof Flexible.RateLimiterRedis = require('rate-limiter-flexible/lib/RateLimiterRedis.js');
const RateLimiterRes: typeof Flexible.RateLimiterRes = require('rate-limiter-flexible/lib/RateLimiterRes.js');

export interface RateLimiterOptions {
  /** Shared Redis client (see ./redis-client.ts); absent → in-process counters. */
  redis?: RedisClient;
  /** Namespace of this limiter's keys, e.g. `rl:token`. */
  keyPrefix: string;
  /** Points allowed per window. */
  points: number;
  /** Window length in seconds; each key's counter expires with it. */
  durationS: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets (for Retry-After); 0 when allowed. */
  retryAfterS: number;
}

export interface RateLimiter {
  /** Spends `points` (default 1) of `key`'s budget. Rejects with StoreUnavailableError on outage. */
  consume(key: string, points?: number): Promise<RateDecision>;
  /** Whether `key` still has budget, without spending any (for budgets charged only on failure). */
  peek(key: string): Promise<RateDecision>;
}

/** A fixed-window limiter, Redis-backed when a client is given, in memory otherwise. */
export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  if (!Number.isInteger(opts.points) || opts.points <= 0) throw new RangeError('points must be a positive integer');
  if (!Number.isInteger(opts.durationS) || opts.durationS <= 0)
    throw new RangeError('durationS must be a positive integer');
  const common = { keyPrefix: opts.keyPrefix, points: opts.points, duration: opts.durationS };
  const limiter: Flexible.RateLimiterAbstract = opts.redis
    ? new RateLimiterRedis({
        ...common,
        // ioredis is the library's native client: `useRedisPackage` stays false (that flag
        // selects the node-redis v4+ command syntax).
        storeClient: opts.redis,
        // Refuse at once while disconnected instead of trying the command (REDIS-02).
        rejectIfRedisNotReady: true,
      })
    : new RateLimiterMemory(common);

  const unavailable = (err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    return new StoreUnavailableError(new Error(`${e.name}: ${e.message}`.slice(0, 200)));
  };
  return {
    async peek(key) {
      let res: Flexible.RateLimiterRes | null;
      try {
        res = await limiter.get(key);
      } catch (err) {
        throw unavailable(err);
      }
      if (!res || res.consumedPoints < opts.points) return { allowed: true, retryAfterS: 0 };
      return { allowed: false, retryAfterS: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
    },
    async consume(key, points = 1) {
      if (!Number.isInteger(points) || points <= 0) throw new RangeError('points must be a positive integer');
      try {
        await limiter.consume(key, points);
        return { allowed: true, retryAfterS: 0 };
      } catch (err) {
        // The library rejects with a RateLimiterRes when over the limit, an Error otherwise.
        if (err instanceof RateLimiterRes) {
          return { allowed: false, retryAfterS: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
        }
        throw unavailable(err);
      }
    },
  };
}
