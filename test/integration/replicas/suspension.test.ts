// Operator controls on a live deployment: two replicas serve a client, the operator suspends
// it with `npm run admin`'s entry point (its own process and Redis connection). Its next tool
// call and its refresh fail on both replicas, /authorize shows the blocked page, another
// client carries on; after resume a new authorization works again.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { resumeClient, listClients } from '../../../src/admin/operator.js';
import { compiledEntry } from '../../support/compiled.js';
import { pkcePair } from '../../support/emulator.js';
import {
  Browser,
  authorizeUrl,
  connect,
  mcpPost,
  refresh,
  type RegisteredClient,
  type Tokens,
} from '../../support/oauth-flow.js';
import { startRedisStack, type RedisStack } from '../../support/redis-stack.js';
import { RedisTokenStore } from '../../../src/storage/redis-store.js';
import { createRedisClient, whenReady } from '../../../src/storage/redis-client.js';
import type { Replica } from '../../support/stack.js';
import { TEST_SEAL_KEY } from '../../support/stack.js';

const run = promisify(execFile);
/** Each admin run starts a process of its own; on a loaded two-core machine that takes a while. */
const ADMIN_TIMEOUT_MS = 120_000;
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

let stack: RedisStack;
let b: Replica;
let victim: { client: RegisteredClient; tokens: Tokens };
let other: { client: RegisteredClient; tokens: Tokens };

beforeAll(async () => {
  stack = await startRedisStack();
  b = await stack.addReplica();
  victim = await connect(stack.url, { user: 'alice', meta: { client_name: 'Victim' } });
  other = await connect(b.url, { user: 'bob', meta: { client_name: 'Bystander' } });
}, 60_000);
afterAll(() => stack.close());

/**
 * The admin command as an operator runs it: its own process, the replicas' environment. Its
 * entry runs compiled on plain node (../../support/compiled.ts), as `npm run admin` runs dist/.
 */
async function admin(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [await compiledEntry('src/admin/main.ts'), ...args], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH ?? '',
      REDIS_URL: inject('redisUrl'),
      REDIS_KEY_PREFIX: stack.prefix,
      SEAL_KEYS: TEST_SEAL_KEY,
    },
    timeout: 60_000,
  });
  return stdout;
}

const toolCall = (mcpUrl: string, at: string) =>
  mcpPost(mcpUrl, at, {
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: { name: 'token_balance', arguments: {} },
  });

describe('suspending a client while two replicas serve it', () => {
  it('before: both clients call tools on both replicas', async () => {
    for (const r of [stack.replica, b]) {
      expect((await toolCall(r.mcpUrl, victim.tokens.access_token)).status).toBe(200);
      expect((await toolCall(r.mcpUrl, other.tokens.access_token)).status).toBe(200);
    }
  });

  it(
    'npm run admin -- suspend: its next tool call is a 401 invalid_token and its refresh invalid_grant, on both replicas',
    async () => {
      expect(await admin('suspend', victim.client.client_id)).toBe(`suspended ${victim.client.client_id}\n`);
      for (const r of [stack.replica, b]) {
        const res = await toolCall(r.mcpUrl, victim.tokens.access_token);
        expect(res.status).toBe(401);
        const challenge = res.headers.get('www-authenticate') ?? '';
        expect(challenge).toContain('error="invalid_token"');
        expect(challenge).toContain('blocked by the operator');
        const refreshed = await refresh(r.url, victim.client, victim.tokens.refresh_token);
        expect(refreshed.status).toBe(400);
        expect(refreshed.body).toMatchObject({
          error: 'invalid_grant',
          error_description: 'the application was blocked by the operator of this server',
        });
      }
    },
    ADMIN_TIMEOUT_MS,
  );

  it('/authorize shows the person a page saying the application was blocked (on both replicas), never a redirect', async () => {
    const { challenge } = pkcePair();
    for (const r of [stack.replica, b]) {
      const page = await new Browser().get(
        authorizeUrl(r.url, {
          clientId: victim.client.client_id,
          redirectUri: victim.client.redirect_uris[0]!,
          challenge,
          state: 's',
        }),
      );
      expect(page.status).toBe(403);
      expect(page.headers.get('location')).toBeNull();
      const html = await page.text();
      expect(html).toContain('Application blocked');
      expect(html).toContain('The operator of this server has blocked this application');
    }
  });

  it('another client is unaffected: tool calls and refresh work on both replicas', async () => {
    for (const r of [stack.replica, b]) expect((await toolCall(r.mcpUrl, other.tokens.access_token)).status).toBe(200);
    const refreshed = await refresh(stack.url, other.client, other.tokens.refresh_token);
    expect(refreshed.status).toBe(200);
    expect((await toolCall(b.mcpUrl, refreshed.body.access_token as string)).status).toBe(200);
  });

  it(
    'clients lists it as suspended with its grant and last use; nothing printed is a token',
    async () => {
      const text = await admin('clients');
      const line = text.split('\n').find((l) => l.startsWith(victim.client.client_id)) ?? '';
      expect(line).toMatch(/Victim\s+dcr\s+127\.0\.0\.1:7777\s+1\s+\d{4}-\d\d-\d\dT[\d:]+Z\s+\d{4}-\d\d-\d\dT[\d:]+Z$/);
      for (const secret of [victim.tokens.access_token, victim.tokens.refresh_token, other.tokens.access_token])
        expect(text).not.toContain(secret);
      const stats = await admin('stats');
      expect(stats).toMatch(/suspended clients: 1/);
    },
    ADMIN_TIMEOUT_MS,
  );

  it('resume (from another connection) restores new authorizations, served by both replicas', async () => {
    const redis = createRedisClient(inject('redisUrl'));
    await whenReady(redis);
    const operator = new RedisTokenStore(redis, { prefix: stack.prefix, closeClient: false });
    try {
      expect(await resumeClient(operator, victim.client.client_id)).toBe(true);
      expect(
        (await listClients(operator)).find((c) => c.clientId === victim.client.client_id)?.suspendedAt,
      ).toBeUndefined();
    } finally {
      redis.disconnect();
    }
    const again = await connect(b.url, { user: 'alice', client: victim.client });
    for (const r of [stack.replica, b]) expect((await toolCall(r.mcpUrl, again.tokens.access_token)).status).toBe(200);
    expect((await refresh(stack.url, victim.client, again.tokens.refresh_token)).status).toBe(200);
  });
});
