/**
 * What is really in Redis: every key (SCAN, so a big keyspace never blocks the server), and
 * a RedisTokenStore under a prefix of its own whose keys a test can dump (SECRETS-02, the
 * REDIS-08 TTL checks).
 */
import { createRedisClient, whenReady, type Redis } from '../../src/storage/redis-client.js';
import { RedisTokenStore } from '../../src/storage/redis-store.js';

/** Every key matching `match` (default all), by SCAN. */
export async function scanKeys(client: Redis, match = '*'): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', match, 'COUNT', 1_000);
    out.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return out;
}

export interface DumpedKey {
  key: string;
  type: string;
  value: string;
  ttlMs: number;
}

/**
 * A RedisTokenStore on the test Redis under a prefix of its own, plus a way to dump every key
 * it wrote (or, with `match`, any keys of the test Redis, e.g. `*` for a leak scan).
 */
export async function redisStoreFor(
  url: string,
  prefix: string,
): Promise<{
  store: RedisTokenStore;
  client: Redis;
  dump(match?: string): Promise<DumpedKey[]>;
  cleanup(): Promise<void>;
}> {
  const client = createRedisClient(url);
  await whenReady(client);
  const store = new RedisTokenStore(client, { prefix, closeClient: false });
  return {
    store,
    client,
    async dump(match = `${prefix}*`) {
      const out: DumpedKey[] = [];
      for (const key of await scanKeys(client, match)) {
        const type = await client.type(key);
        let value = '';
        if (type === 'string') value = (await client.get(key)) ?? '';
        else if (type === 'zset') value = JSON.stringify(await client.zrange(key, '0', '-1', 'WITHSCORES'));
        else if (type === 'set') value = JSON.stringify(await client.smembers(key));
        else if (type === 'hash') value = JSON.stringify(await client.hgetall(key));
        else if (type === 'list') value = JSON.stringify(await client.lrange(key, 0, -1));
        out.push({ key, type, value, ttlMs: await client.pttl(key) });
      }
      return out;
    },
    async cleanup() {
      const ks = await scanKeys(client, `${prefix}*`);
      if (ks.length) await client.del(...ks);
      await client.quit();
    },
  };
}
