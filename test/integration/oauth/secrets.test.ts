// SECRETS-01, -02, -05, -06, -08: no OSC token or secret of ours escapes (logs, responses,
// URLs, the store at rest), sealing survives key rotation and tampering, and a bad
// configuration fails at boot without printing values. Black-box over HTTP.
import { refreshKeyOf } from '../../../src/oauth/issue.js';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashSecret } from '../../../src/storage/hash.js';
import { MemoryTokenStore } from '../../../src/storage/memory-store.js';
import { keyIdOf } from '../../../src/storage/seal.js';
import type { GrantRecord } from '../../../src/storage/records.js';
import {
  clientAuth,
  connect,
  mcpPost,
  refresh,
  registerClient,
  tokenRequest,
  type RegisteredClient,
  type Tokens,
} from '../../support/oauth-flow.js';
import { startReplica, startStack, type Replica, type Stack, restartReplica } from '../../support/stack.js';
import { expectChallenge } from '../../support/oauth-expect.js';
import { finishCallback, openConsent, toCallback } from '../../support/consent-steps.js';
import { findSecrets, logHaystacks, recordResponses, type Haystack } from '../../support/leak-scan.js';
import { redisStoreFor, type DumpedKey } from '../../support/redis-keys.js';
import { testClock, type TestClock } from '../../support/clocked-stack.js';
import { compiledEntry } from '../../support/compiled.js';

const SEALED = /^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{40,}$/;
const toolsList = { jsonrpc: '2.0', id: 1, method: 'tools/list' };

let stack: Stack;
let clock: TestClock;
let redis: Awaited<ReturnType<typeof redisStoreFor>>;

// One stack per file (startServer installs a process-wide dispatcher toward its emulator);
// its store is Redis so SECRETS-02 can SCAN what is really at rest.
beforeAll(async () => {
  redis = await redisStoreFor(inject('redisUrl'), `test:secrets:${randomUUID()}:`);
  clock = testClock();
  stack = await startStack({ store: redis.store, overrides: { now: clock.now } });
});
afterAll(async () => {
  await stack.close();
  await redis.cleanup();
});

/** Everything of ours a client holds or we created along the way (SECRETS-01 "all secrets"). */
const ours = new Set<string>();
/** Verifiers must not appear even in responses (they only ever travel client → server). */
const verifiers = new Set<string>();
const keep = (...values: (string | undefined)[]) => {
  for (const v of values) if (v) ours.add(v);
};
let recorded: Haystack[] = [];
let liveTokens: Tokens;
let liveClient: RegisteredClient;

async function rpc(at: string, id: number, method: string, params?: unknown): Promise<Record<string, unknown>> {
  const res = await mcpPost(stack.mcpUrl, at, { jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
  const text = await res.text();
  expect(res.status, text.slice(0, 300)).toBe(200);
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(body.error, text.slice(0, 300)).toBeUndefined();
  return body;
}

/** One full connection through the step helpers, keeping every secret it produced. */
async function connectKeeping(client: RegisteredClient, user: string): Promise<Tokens> {
  const c = await openConsent(stack.url, client);
  keep(c.csrf, c.pending, c.verifier, ...c.browser.cookies.values());
  verifiers.add(c.verifier);
  const at = await toCallback(stack.url, c, user);
  const upstream = await stack.store.get('upstream', hashSecret(at.oscState));
  expect(upstream?.oscCodeVerifier).toBeTruthy();
  keep(at.oscState, upstream!.oscCodeVerifier);
  verifiers.add(upstream!.oscCodeVerifier);
  const back = await finishCallback(c, at.callback);
  const code = back.searchParams.get('code')!;
  keep(code);
  const res = await tokenRequest(stack.url, {
    grant_type: 'authorization_code',
    code,
    code_verifier: c.verifier,
    redirect_uri: c.redirectUri,
    ...clientAuth(client),
  });
  expect(res.status).toBe(200);
  const tokens = res.body as unknown as Tokens;
  keep(tokens.access_token, tokens.refresh_token);
  return tokens;
}

describe('SECRETS-01: nothing secret in logs or responses, end to end', () => {
  it('DCR, flow, every tool, refresh, forced OSC refresh (expiry and 401), revoke: the scans are clean', async () => {
    const rec = recordResponses(new URL(stack.url).origin);
    try {
      const control = stack.emulator.control;
      const confidential = await registerClient(stack.url, {
        client_name: 'Leak scan',
        token_endpoint_auth_method: 'client_secret_post',
      });
      keep(confidential.client_secret);
      const pub = await registerClient(stack.url, { client_name: 'Leak scan public' });

      let t = await connectKeeping(confidential, 'alice');
      // Every tool, as the user's agent would.
      let id = 10;
      await rpc(t.access_token, id++, 'initialize', {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'scan', version: '1' },
      });
      const tools = ((await rpc(t.access_token, id++, 'tools/list')).result as { tools: { name: string }[] }).tools.map(
        (x) => x.name,
      );
      expect(tools.length).toBeGreaterThan(0);
      const calls: [string, Record<string, unknown>][] = [
        ['list_services', {}],
        ['describe_service', { serviceId: 'minio-minio' }],
        ['token_balance', {}],
        [
          'create_instance',
          {
            serviceId: 'minio-minio',
            name: 'leakscan',
            options: { RootUser: 'admin', RootPassword: 'pw-not-a-canary-123' },
          },
        ],
        ['list_instances', { serviceId: 'minio-minio' }],
        ['get_instance', { serviceId: 'minio-minio', name: 'leakscan' }],
        ['read_logs', { serviceId: 'minio-minio', name: 'leakscan' }],
        ['restart_instance', { serviceId: 'minio-minio', name: 'leakscan' }],
        ['delete_instance', { serviceId: 'minio-minio', name: 'leakscan', confirm: true }],
      ];
      for (const [name, args] of calls) {
        expect(tools).toContain(name);
        await rpc(t.access_token, id++, 'tools/call', { name, arguments: args });
      }
      expect((await control.stats()).apiCalls).toBeGreaterThan(0);

      // Our refresh-token rotation.
      const r = await refresh(stack.url, confidential, t.refresh_token);
      expect(r.status).toBe(200);
      t = r.body as unknown as Tokens;
      keep(t.access_token, t.refresh_token);

      // A forced OSC refresh: the OSC token nears expiry…
      const before = (await control.stats()).refreshes;
      clock.advance(3500_000);
      await rpc(t.access_token, id++, 'tools/call', { name: 'token_balance', arguments: {} });
      expect((await control.stats()).refreshes).toBe(before + 1);
      // …and OSC answers 401 to a PAT it issued (the refresh-on-401 path).
      await control.failNext('money.tokens', { status: 401, body: { message: 'Unauthorized' } });
      await rpc(t.access_token, id++, 'tools/call', { name: 'token_balance', arguments: {} });
      expect((await control.stats()).refreshes).toBe(before + 2);

      // Some failures on the way: a wrong verifier, a wrong client secret, a bad bearer.
      const bad = await tokenRequest(stack.url, {
        grant_type: 'refresh_token',
        refresh_token: t.refresh_token,
        client_id: confidential.client_id,
        client_secret: 'wrong-secret-value-123456789',
      });
      expect(bad.status).toBe(401);
      await expectChallenge(await mcpPost(stack.mcpUrl, `${t.access_token}x`, toolsList), stack.url);

      // A second connection that ends in revocation; the first stays live for SECRETS-02.
      const p = await connectKeeping(pub, 'bob');
      const revoked = await fetch(`${stack.url}/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: p.refresh_token, client_id: pub.client_id }),
      });
      expect(revoked.status).toBe(200);
      await expectChallenge(await mcpPost(stack.mcpUrl, p.access_token, toolsList), stack.url);
      liveTokens = t;
      liveClient = confidential;
    } finally {
      await rec.stop();
    }
    recorded = rec.haystacks();
    expect(recorded.length).toBeGreaterThan(40);

    const canaries = await stack.emulator.control.canaries();
    expect(canaries.length).toBeGreaterThan(5);
    const logs = logHaystacks(stack.logs);
    expect(logs.length).toBeGreaterThan(20);
    // No emulator secret anywhere the client or an operator can see.
    expect(findSecrets([...logs, ...recorded], canaries)).toEqual([]);
    // None of ours in the logs.
    expect(findSecrets(logs, ours)).toEqual([]);
    // Verifiers never come back in any response.
    expect(findSecrets(recorded, verifiers)).toEqual([]);
  });
});

describe('SECRETS-02: at rest', () => {
  let dump: DumpedKey[];
  beforeAll(async () => {
    dump = await redis.dump();
  });

  it('no canary and none of our raw secrets in any key or value', async () => {
    expect(dump.length).toBeGreaterThan(5);
    const haystacks = dump.flatMap((d) => [
      { where: `key ${d.key}`, text: d.key },
      { where: `value of ${d.key}`, text: d.value },
    ]);
    const canaries = await stack.emulator.control.canaries();
    expect(findSecrets(haystacks, canaries)).toEqual([]);
    // The OSC PKCE verifier is kept only while the user is at OSC; the flows are finished.
    expect(findSecrets(haystacks, ours)).toEqual([]);
  });

  it('OSC tokens only as AES-GCM blobs; our tokens only as SHA-256 keys', async () => {
    const grants = dump.filter((d) => /:grant:/.test(d.key)).map((d) => JSON.parse(d.value) as GrantRecord);
    expect(grants.length).toBeGreaterThan(0);
    for (const g of grants) expect(g.oscSealed).toMatch(SEALED);
    const oscClients = dump
      .filter((d) => /:oscClient:/.test(d.key))
      .map((d) => JSON.parse(d.value) as { clientSecretSealed?: string });
    for (const c of oscClients) if (c.clientSecretSealed !== undefined) expect(c.clientSecretSealed).toMatch(SEALED);

    const keys = new Set(dump.map((d) => d.key));
    const prefix = dump[0]!.key.slice(0, dump[0]!.key.indexOf(':', 'test:secrets:'.length) + 1);
    expect(keys).toContain(`${prefix}access:${hashSecret(liveTokens.access_token)}`);
    // A refresh token is found through its family's hash (src/oauth/issue.ts).
    expect(keys).toContain(`${prefix}refresh:${refreshKeyOf(liveTokens.refresh_token)}`);
    expect(refreshKeyOf(liveTokens.refresh_token)).not.toBe(hashSecret(liveTokens.refresh_token));
    const client = dump.find((d) => d.key === `${prefix}client:${liveClient.client_id}`);
    expect(JSON.parse(client!.value).secretHash).toBe(hashSecret(liveClient.client_secret!));
    // Every key that names a token is the 43-char SHA-256 of it, never the token.
    for (const d of dump) {
      const m = /:(access|refresh|code|redeemed|upstream):(.+)$/.exec(d.key);
      if (m) expect(m[2]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });
});

describe('SECRETS-08: redacted request logs, no PAT in any URL', () => {
  it('logged URLs show code, state and code_verifier as [redacted]; the emulator never saw a PAT in a URL', async () => {
    // A callback carrying a verifier in its query (nobody should, but if someone does, it is not logged).
    await fetch(
      `${stack.url}/oauth/callback?code=c0de-value-12345678&state=st4te-value-12345678&code_verifier=v3rifier-value-12345678`,
      { redirect: 'manual' },
    );
    const lines = stack.logs
      .flatMap((l) => l.split('\n').filter(Boolean))
      .map((l) => JSON.parse(l) as { event?: string; url?: string });
    const http = lines.filter((l) => l.event === 'http' && typeof l.url === 'string');
    const callbacks = http.filter((l) => l.url!.startsWith('/oauth/callback?'));
    expect(callbacks.length).toBeGreaterThan(2);
    for (const l of callbacks) {
      const q = new URLSearchParams(l.url!.slice(l.url!.indexOf('?') + 1));
      for (const k of ['code', 'state', 'code_verifier']) if (q.has(k)) expect(q.get(k), l.url).toBe('[redacted]');
      expect(q.has('state')).toBe(true);
    }
    const authorizes = http.filter((l) => l.url!.startsWith('/authorize?'));
    expect(authorizes.length).toBeGreaterThan(0);
    for (const l of authorizes)
      expect(new URLSearchParams(l.url!.slice(l.url!.indexOf('?') + 1)).get('state')).toBe('[redacted]');
    const text = stack.logs.join('\n');
    for (const v of ['c0de-value-12345678', 'st4te-value-12345678', 'v3rifier-value-12345678'])
      expect(text).not.toContain(v);

    const requests = await stack.emulator.control.requests();
    expect(requests.some((r) => r.host.includes('money') || r.host.includes('api-'))).toBe(true); // the PAT was used
    const urls = requests.map((r, i) => ({
      where: `emulator ${r.method} ${r.host}${r.path}`,
      text: `${r.host}${r.path}?${r.query}#${i}`,
    }));
    expect(findSecrets(urls, await stack.emulator.control.canaries())).toEqual([]);
  });
});

describe('SECRETS-05: seal keys rotate; tampering kills the grant', () => {
  const K1 = Buffer.alloc(32, 1).toString('base64');
  const K2 = Buffer.alloc(32, 2).toString('base64');
  const kid = (k: string) => keyIdOf(Buffer.from(k, 'base64'));
  let store: MemoryTokenStore;
  let replica: Replica;
  let client: RegisteredClient;
  let tokens: Tokens;
  let grantId: string;
  const post = (at: string) => mcpPost(replica.mcpUrl, at, toolsList);

  beforeAll(async () => {
    store = new MemoryTokenStore();
    replica = await startReplica(stack.emulator.url, store, { SEAL_KEYS: K1 });
    ({ client, tokens } = await connect(replica.url));
    grantId = (await store.get('access', hashSecret(tokens.access_token)))!.grantId;
  });
  afterAll(async () => {
    await replica.close();
    await store.close();
  });

  it('sealed with K1 → works', async () => {
    expect((await post(tokens.access_token)).status).toBe(200);
    expect((await store.get('grant', grantId))!.oscSealed.startsWith(`v1.${kid(K1)}.`)).toBe(true);
  });

  it('restarted with K2 only → challenge (re-auth), not 500', async () => {
    replica = await restartReplica(stack.emulator.url, store, replica, { SEAL_KEYS: K2 });
    await expectChallenge(await post(tokens.access_token), replica.url);
  });

  it('…and the re-authorization the challenge asks for succeeds under K2', async () => {
    const c = await openConsent(replica.url, client);
    const approved = await fetch(`${replica.url}/consent`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: [...c.browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
      body: new URLSearchParams({ pending: c.pending, csrf: c.csrf, decision: 'approve', scope: 'osc:read' }),
    });
    const body = await approved.text();
    expect(approved.status, body.slice(0, 200)).toBe(303);
    const again = await connect(replica.url, { client });
    expect((await post(again.tokens.access_token)).status).toBe(200);
  });

  it('restarted with [K2, K1] → the K1 grant works again and is re-sealed with K2', async () => {
    replica = await restartReplica(stack.emulator.url, store, replica, { SEAL_KEYS: `${K2},${K1}` });
    expect((await post(tokens.access_token)).status).toBe(200);
    expect((await store.get('grant', grantId))!.oscSealed.startsWith(`v1.${kid(K2)}.`)).toBe(true);
  });

  it('one flipped ciphertext byte → challenge', async () => {
    const g = (await store.get('grant', grantId))!;
    const [v, k, body] = g.oscSealed.split('.') as [string, string, string];
    const raw = Buffer.from(body, 'base64url');
    raw[12] = raw[12]! ^ 0x01; // first ciphertext byte, after the 12-byte IV
    await store.put('grant', grantId, { ...g, oscSealed: `${v}.${k}.${raw.toString('base64url')}` }, 3600);
    const res = await post(tokens.access_token);
    expect(res.status).not.toBe(500);
    await expectChallenge(res, replica.url);
  });

  it('…and the tampered grant is dead: gone from the store, its refresh token refused', async () => {
    expect(await store.get('grant', grantId)).toBeUndefined();
    const rt = await refresh(replica.url, client, tokens.refresh_token);
    expect(rt.status).toBe(400);
    expect(rt.body.error).toBe('invalid_grant');
  });
});

describe('SECRETS-06: a bad configuration fails at boot, naming variables, never values', () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));

  /** `npm start`'s entry, src/main.ts, compiled, on plain node (../../support/compiled.ts). */
  async function boot(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
    const main = await compiledEntry('src/main.ts');
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [main], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', HOST: '127.0.0.1', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += String(d)));
      child.stderr.on('data', (d) => (out += String(d)));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`still running after 20 s: ${out.slice(0, 500)}`));
      }, 20_000);
      child.on('error', reject);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, out });
      });
    });
  }

  const SECRET = 'osc_secret_0123456789abcdef0123456789abcdef0123456789abcdef01234567';
  const BAD_KEY = 'not-a-key-VALUE-MUST-NOT-PRINT';

  // Each boot is a process of its own, so the cases share boots: every problem is reported at
  // once.
  it.each([
    [
      'a bad SEAL_KEYS, OSC_CLIENT_SECRET without OSC_CLIENT_ID, REDIS_URL with a password',
      { SEAL_KEYS: BAD_KEY, OSC_CLIENT_SECRET: SECRET, REDIS_URL: 'redis://user:VALUEPASSWORD@127.0.0.1:1' },
      ['SEAL_KEYS', 'OSC_CLIENT_ID'],
    ],
    [
      'a console OSC_CLIENT_ID without OSC_CLIENT_SECRET, and a bad SEAL_KEYS',
      { OSC_CLIENT_ID: 'osc_abcdefghijklmnopqrstuvwx', SEAL_KEYS: BAD_KEY },
      ['OSC_CLIENT_SECRET', 'SEAL_KEYS'],
    ],
  ])('%s → exit ≠ 0 naming the variables', async (_name, env, names) => {
    const { code, out } = await boot(env as Record<string, string>);
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    for (const n of names as string[]) expect(out).toContain(n);
    for (const value of Object.values(env as Record<string, string>)) expect(out).not.toContain(value);
    expect(out).not.toContain('VALUE');
    expect(out).not.toMatch(/at .*\.ts:\d+/);
  });
});
