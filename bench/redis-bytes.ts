/**
 * Redis bytes per grant, from outside: every key under the prefix whose name or content
 * names the grant id (the grant, its tokens, its indexes, its counters), each measured
 * with `MEMORY USAGE key SAMPLES 0`. Independent of the key layout, so it measures the
 * layout before and after a change alike.
 */
import type { Redis } from 'ioredis';

export interface GrantBytes {
  /** Keys that live longer than 10 minutes: what an active grant costs at rest. */
  persistent: number;
  /** Every key, single-use and per-minute records included. */
  all: number;
  keys: Array<{ kind: string; bytes: number; key: string; ttlS: number }>;
}

/** `grant:<id>` or `grant:{<id>}` (hash-tagged) → the id. */
export function grantIdOfKey(key: string, prefix: string): string | undefined {
  const m = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}g(?:rant)?:\\{?([^}:]+)\\}?$`).exec(key);
  return m?.[1];
}

export async function grantKeys(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

async function content(redis: Redis, key: string): Promise<string> {
  const type = await redis.type(key);
  if (type === 'string') return (await redis.get(key)) ?? '';
  if (type === 'zset') return (await redis.zrange(key, '0', '-1')).join(' ');
  if (type === 'hash') return JSON.stringify(await redis.hgetall(key));
  if (type === 'set') return (await redis.smembers(key)).join(' ');
  return '';
}

/** Kind of a key for the breakdown: the part after the prefix up to the first ':'. */
function kindOf(key: string, prefix: string): string {
  const rest = key.slice(prefix.length);
  return rest.startsWith('rl:') ? rest.split(':').slice(0, 2).join(':') : rest.split(':')[0]!;
}

export async function bytesOfGrant(redis: Redis, prefix: string, grantId: string): Promise<GrantBytes> {
  const out: GrantBytes['keys'] = [];
  for (const key of await grantKeys(redis, prefix)) {
    if (!key.includes(grantId) && !(await content(redis, key)).includes(grantId)) continue;
    const bytes = Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
    const ttlS = Math.round(Number(await redis.pttl(key)) / 1000);
    out.push({ kind: kindOf(key, prefix), bytes, key, ttlS });
  }
  out.sort((a, b) => b.bytes - a.bytes);
  return {
    persistent: out.filter((k) => k.ttlS > 600).reduce((n, k) => n + k.bytes, 0),
    all: out.reduce((n, k) => n + k.bytes, 0),
    keys: out,
  };
}

/**
 * The grant as an hourly refresh leaves it, made so and then measured: refreshes in quick
 * succession leave the previous access token live for its hour (the store keeps the current
 * and the previous one), an hourly one leaves it expiring. So every access record of the grant
 * but the newest (longest TTL) and every record living 10 minutes or less are deleted, as their
 * expiry would, and index members without a record are removed, as the next index write's
 * prune of expired members does. Destructive: for the end of a run.
 */
export async function steadyStateOfGrant(redis: Redis, prefix: string, grantId: string): Promise<GrantBytes> {
  const { keys } = await bytesOfGrant(redis, prefix, grantId);
  const newest = keys.filter((k) => k.kind === 'access').sort((a, b) => b.ttlS - a.ttlS)[0];
  const gone = keys.filter((k) => k.ttlS <= 600 || (k.kind === 'access' && k !== newest));
  if (gone.length > 0) await redis.del(...gone.map((k) => k.key));
  for (const index of keys.filter((k) => k.kind === 'grantidx')) {
    const members = await redis.zrange(index.key, '0', '-1');
    const exists = await Promise.all(members.map((m) => redis.exists(prefix + m)));
    const stale = members.filter((_, i) => exists[i] === 0);
    if (stale.length > 0) await redis.zrem(index.key, ...stale);
  }
  return bytesOfGrant(redis, prefix, grantId);
}
