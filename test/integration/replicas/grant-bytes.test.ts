// REDIS-11 (issue 18; docs/storage.md, "Memory"): a grant's bytes in Redis through the real
// flows (register, authorize, redeem, then 24 refresh-token rotations), measured from outside
// with bench/redis-bytes.ts (`MEMORY USAGE` per key naming the grant) on a redis-server of this
// file's own with the default key prefix, so key lengths are production ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient, whenReady, type Redis } from '../../../src/storage/redis-client.js';
import { RedisTokenStore } from '../../../src/storage/redis-store.js';
import { bytesOfGrant, grantIdOfKey, grantKeys, steadyStateOfGrant } from '../../../bench/redis-bytes.js';
import { connect, refresh } from '../../support/oauth-flow.js';
import { startStack, type Stack } from '../../support/stack.js';
import { RedisNode } from '../../support/redis-replica.js';

const PREFIX = 'oscmcp:';
let node: RedisNode;
let redis: Redis;
let stack: Stack;

beforeAll(async () => {
  node = await RedisNode.start();
  redis = createRedisClient(node.url);
  await whenReady(redis);
  const store = new RedisTokenStore(redis, { closeClient: false });
  stack = await startStack({ store, env: { REDIS_KEY_PREFIX: PREFIX }, overrides: { redis } });
});
afterAll(async () => {
  await stack?.close();
  redis?.disconnect();
  await node?.kill();
});

const table = (b: Awaited<ReturnType<typeof bytesOfGrant>>) =>
  b.keys.map((k) => `${k.kind} ${k.bytes} B (ttl ${k.ttlS} s)`).join(', ');

describe('REDIS-11: bytes per grant, fresh and after 24 refreshes', () => {
  it('after 24 refreshes a grant keeps two access tokens (before REFRESH-04: 25, 11.9 KB in all); as an hourly refresh leaves it, one', async () => {
    const { client, tokens } = await connect(stack.url);
    const grantKey = (await grantKeys(redis, PREFIX)).find((k) => grantIdOfKey(k, PREFIX));
    const grantId = grantIdOfKey(grantKey!, PREFIX)!;
    const fresh = await bytesOfGrant(redis, PREFIX, grantId);

    let rt = tokens.refresh_token;
    for (let i = 0; i < 24; i++) {
      const r = await refresh(stack.url, client, rt);
      expect(r.status).toBe(200);
      rt = String(r.body.refresh_token);
    }
    const after = await bytesOfGrant(redis, PREFIX, grantId);
    const steady = await steadyStateOfGrant(redis, PREFIX, grantId);
    console.log(`fresh: persistent ${fresh.persistent} B, all ${fresh.all} B: ${table(fresh)}`);
    console.log(`after 24 refreshes: persistent ${after.persistent} B: ${table(after)}`);
    console.log(`hourly steady state: ${steady.persistent} B: ${table(steady)}`);
    expect(after.keys.filter((k) => k.kind === 'access')).toHaveLength(2);
    expect(steady.keys.filter((k) => k.kind === 'access')).toHaveLength(1);
    // Bounded: one more access record, two more index members and the /token budget counter.
    expect(after.persistent).toBeLessThan(fresh.persistent + 700);
  });
});
