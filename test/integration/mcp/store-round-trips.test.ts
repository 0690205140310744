/**
 * Store round trips per `POST /mcp` (issue 18; src/oauth/bearer.ts): a token this process has
 * seen costs one round trip to Redis, its access record, grant, client suspension and the
 * tool-call budget sent together. Counted on the app's own ioredis client as waves: a command
 * sent while none is in flight starts a new round trip. Revocation still takes effect on the
 * next request: a remembered token is read again in that same round trip.
 */
import type { Command } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../../src/storage/hash.js';
import { connect, mcpPost, type Tokens } from '../../support/oauth-flow.js';
import { startRedisStack, type RedisStack } from '../../support/redis-stack.js';

let stack: RedisStack;
let rounds = 0;
let inFlight = 0;

beforeAll(async () => {
  stack = await startRedisStack();
  const redis = stack.redis as unknown as { sendCommand(c: Command): unknown };
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (command: Command) => {
    if (inFlight === 0) rounds++;
    inFlight++;
    command.promise.then(
      () => inFlight--,
      () => inFlight--,
    );
    return send(command);
  };
});
afterAll(() => stack?.close());

/** Round trips to Redis while `fn` runs (and its fire-and-forget writes settle). */
async function roundTrips(fn: () => Promise<Response>): Promise<{ status: number; text: string; rounds: number }> {
  rounds = 0;
  const res = await fn();
  const text = await res.text();
  return { status: res.status, text, rounds };
}

const call = (at: string, id: number) =>
  mcpPost(stack.mcpUrl, at, {
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name: 'token_balance', arguments: {} },
  });
const list = (at: string) => mcpPost(stack.mcpUrl, at, { jsonrpc: '2.0', id: 9, method: 'tools/list' });

describe('store round trips per /mcp request', () => {
  let tokens: Tokens;
  beforeAll(async () => {
    ({ tokens } = await connect(stack.url, { user: 'alice' }));
  });

  it("a token's first request: three (its access record; grant, suspension and budget together; the client's last-use write)", async () => {
    const first = await roundTrips(() => call(tokens.access_token, 1));
    expect(first.status, first.text).toBe(200);
    expect(first.rounds).toBe(3);
  });

  it('then one per request: tools/call (with the call budget) and tools/list alike', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await roundTrips(() => call(tokens.access_token, 2 + i));
      expect(r.status, r.text).toBe(200);
      expect(r.text).not.toContain('"isError":true');
      expect(r.rounds).toBe(1);
    }
    const l = await roundTrips(() => list(tokens.access_token));
    expect(l.status, l.text).toBe(200);
    expect(l.rounds).toBe(1);
  });

  it('a remembered token deleted from the store (/revoke) is refused at its next request', async () => {
    const other = (await connect(stack.url, { user: 'alice' })).tokens;
    expect((await call(other.access_token, 1)).status).toBe(200);
    await stack.store.delete('access', hashSecret(other.access_token));
    const res = await call(other.access_token, 2);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('a remembered token whose grant was revoked is refused at its next request', async () => {
    const other = (await connect(stack.url, { user: 'bob' })).tokens;
    expect((await call(other.access_token, 1)).status).toBe(200);
    const rec = await stack.store.get('access', hashSecret(other.access_token));
    await stack.store.revokeGrant(rec!.grantId);
    const res = await call(other.access_token, 2);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
  });
});
