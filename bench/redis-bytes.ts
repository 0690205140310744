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
  /**
   * `persistent` with one live access token: refreshes in quick succession leave every
   * earlier access token alive for its hour, which an hourly refresh would not.
   */
  steadyState: number;
  keys: Array<{ kind: string; bytes: number; ttlS: number }>;
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
    out.push({ kind: kindOf(key, prefix), bytes, ttlS });
  }
  out.sort((a, b) => b.bytes - a.bytes);
  const persistent = out.filter((k) => k.ttlS > 600).reduce((n, k) => n + k.bytes, 0);
  const access = out.filter((k) => k.kind === 'access' && k.ttlS > 600);
  return {
    persistent,
    steadyState: persistent - access.slice(1).reduce((n, k) => n + k.bytes, 0),
    all: out.reduce((n, k) => n + k.bytes, 0),
    keys: out,
  };
}
