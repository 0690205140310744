// REFRESH-03: truly concurrent refreshes with one refresh token, over three replicas on a real
// Redis: all answered 200 with the same access and refresh token, the grant alive and rotated
// once, and the grant's refresh keys not grown; after the grace window the same token is a
// replay: invalid_grant and every key of the grant gone (src/oauth/rotation.ts, docs/storage.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisStack, type RedisStack } from '../../support/redis-stack.js';
import type { Replica } from '../../support/stack.js';
import { connect, mcpPost, refresh } from '../../support/oauth-flow.js';
import { hashSecret } from '../../../src/storage/hash.js';
import { DEFAULTS } from '../../../src/defaults.js';

let offsetMs = 0;
const now = () => Date.now() + offsetMs;

let stack: RedisStack;
let b: Replica;
let c: Replica;
beforeAll(async () => {
  stack = await startRedisStack({ overrides: { now } });
  b = await stack.addReplica();
  c = await stack.addReplica();
});
afterAll(() => stack?.close());

const keysOfKind = async (kind: string) => (await stack.redis.keys(`${stack.prefix}${kind}:*`)).length;

describe('REFRESH-03: one refresh token, ten parallel refreshes on three replicas', () => {
  it('all 200 with identical tokens and the grant lives; after the window the token revokes the grant', async () => {
    const { client, tokens } = await connect(stack.url, { user: 'alice' });
    const grantId = (await stack.store.get('access', hashSecret(tokens.access_token)))!.grantId;
    const before = (await stack.store.get('grant', grantId))!;
    const refreshKeys = await keysOfKind('refresh');

    const urls = [stack.url, b.url, c.url];
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => refresh(urls[i % 3]!, client, tokens.refresh_token)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    const first = answers[0]!.body;
    expect(new Set(answers.map((a) => a.body.refresh_token))).toEqual(new Set([first.refresh_token]));
    expect(new Set(answers.map((a) => a.body.access_token))).toEqual(new Set([first.access_token]));
    const after = (await stack.store.get('grant', grantId))!;
    expect(after.version).toBe(before.version + 1);
    // Bounded: the family's one refresh record, nothing per request.
    expect(await keysOfKind('refresh')).toBe(refreshKeys);
    const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    expect((await mcpPost(stack.mcpUrl, first.access_token as string, list)).status).toBe(200);

    offsetMs = DEFAULTS.refreshGraceMs + 1000;
    try {
      const late = await refresh(b.url, client, tokens.refresh_token);
      expect(late.status).toBe(400);
      expect(late.body.error).toBe('invalid_grant');
      expect(await stack.store.get('grant', grantId)).toBeUndefined();
      const successor = await refresh(c.url, client, first.refresh_token as string);
      expect(successor.body.error).toBe('invalid_grant');
      expect((await mcpPost(stack.mcpUrl, first.access_token as string, list)).status).toBe(401);
    } finally {
      offsetMs = 0;
    }
  });
});
