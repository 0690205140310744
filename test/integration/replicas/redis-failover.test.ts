// Failover (docs/storage.md, "Replication and failover"): REDIS-06 (kill -9 of the primary, replica promoted, with and
// without `WAIT` after grant writes) and REDIS-07 (the app on a read-only replica).
// Every app here boots through the real configuration path (REDIS_URL, REDIS_WAIT_REPLICAS).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { bootFromEnv, type EnvApp } from '../../support/env-app.js';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { hashSecret } from '../../../src/storage/hash.js';
import type { GrantRecord } from '../../../src/storage/records.js';
import { freePort } from '../../support/net.js';
import { RedisNode } from '../../support/redis-replica.js';
import { TEST_SEAL_KEY } from '../../support/stack.js';
import { startTestEmulator, type TestEmulator } from '../../support/emulator.js';
import {
  authorize,
  connect,
  mcpPost,
  refresh,
  registerClient,
  tokenRequest,
  clientAuth,
} from '../../support/oauth-flow.js';
import { until } from '../../support/wait.js';

/** One clock for every app of this file, so a test can bring the OSC token into its refresh margin. */
let offsetMs = 0;
const now = () => Date.now() + offsetMs;
/** The OSC token (3600 s) is within its 120 s margin; our access token (3600 s) is still valid. */
const INTO_OSC_MARGIN_MS = 3_550_000;

let emulator: TestEmulator;
const nodes: RedisNode[] = [];
const apps: App[] = [];
const servers: Server[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(async () => {
  for (const app of apps) await app.close().catch(() => undefined);
  for (const s of servers) s.close();
  for (const node of nodes) await node.kill();
  await emulator.close();
});

type App = EnvApp;

/** Boots osc-mcp from its environment, the way main.ts does, and waits until /readyz answers. */
async function bootApp(o: {
  redisUrl: string;
  prefix: string;
  waitReplicas?: number;
  publicUrl?: string;
  port?: number;
}): Promise<App> {
  // A CPU-starved machine must not read as a Redis outage here: these cases are about
  // replication, not fail-fast (that is REDIS-02, with the production 500 ms).
  const app = await bootFromEnv(
    {
      PORT: String(o.port ?? 0),
      PUBLIC_URL: o.publicUrl ?? 'http://127.0.0.1:0',
      OSC_ENVIRONMENT: 'emu',
      OSC_EMULATOR_URL: emulator.url,
      SEAL_KEYS: TEST_SEAL_KEY,
      REDIS_URL: o.redisUrl,
      REDIS_KEY_PREFIX: o.prefix,
      ...(o.waitReplicas === undefined ? {} : { REDIS_WAIT_REPLICAS: String(o.waitReplicas) }),
    },
    { now, defaults: { redisCommandTimeoutMs: 10_000 } },
  );
  apps.push(app);
  expect(app.config.redisWaitReplicas).toBe(o.waitReplicas ?? 0);
  return app;
}

async function pair(): Promise<{ primary: RedisNode; replica: RedisNode }> {
  const p = await RedisNode.pair();
  nodes.push(p.primary, p.replica);
  return p;
}

const newPrefix = () => `f${randomBytes(3).toString('hex')}:`;
const balance = (mcpUrl: string, at: string) =>
  mcpPost(mcpUrl, at, {
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: { name: 'token_balance', arguments: {} },
  });
const listTools = (mcpUrl: string, at: string) => mcpPost(mcpUrl, at, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
const events = (app: App, event: string) =>
  app.logs
    .flatMap((l) => l.split('\n'))
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.event === event);

/** The one grant stored under `prefix` on `node`. */
async function onlyGrant(node: RedisNode, prefix: string): Promise<GrantRecord | undefined> {
  const keys = await node.admin((r) => r.keys(`${prefix}grant:*`));
  if (keys.length > 1) throw new Error(`expected one grant, found ${keys.length}`);
  const v = keys[0] ? await node.admin((r) => r.get(keys[0]!)) : null;
  return v ? (JSON.parse(v) as GrantRecord) : undefined;
}

/** A tool call that made us rotate the OSC tokens: exactly one upstream refresh, answered 200. */
async function rotateOscTokens(app: App, accessToken: string): Promise<{ ms: number }> {
  const before = (await emulator.control.stats()).refreshes;
  offsetMs = INTO_OSC_MARGIN_MS;
  const started = Date.now();
  const res = await balance(app.mcpUrl, accessToken);
  const ms = Date.now() - started;
  expect(res.status).toBe(200);
  expect(await res.text()).not.toContain('"isError":true');
  expect((await emulator.control.stats()).refreshes - before).toBe(1);
  return { ms };
}

/**
 * Cuts the replica off (it keeps what it has), as a partition would: it is pointed at a port
 * of ours that hangs up on every connection, so it can never sync from anything.
 */
async function cutOff(replica: RedisNode, primary: RedisNode): Promise<void> {
  const nowhere = createServer((sock) => sock.destroy());
  servers.push(nowhere);
  await new Promise<void>((resolve) => nowhere.listen(0, '127.0.0.1', resolve));
  await replica.admin((r) => r.call('REPLICAOF', '127.0.0.1', String((nowhere.address() as AddressInfo).port)));
  await until(
    async () => (await primary.info('replication')).get('connected_slaves') === '0',
    10_000,
    'primary without replica',
  );
}

/**
 * kill -9 of the primary, `REPLICAOF NO ONE` on the replica, and the app replaced by one on
 * the promoted node (same prefix, seal key and public URL). It takes over the first app's
 * port, so OSC's redirect to our callback reaches it, as it would behind a load balancer.
 */
async function failOver(
  primary: RedisNode,
  replica: RedisNode,
  prefix: string,
  first: App,
  waitReplicas?: number,
): Promise<App> {
  await primary.kill();
  await replica.promote();
  await first.close();
  return bootApp({
    redisUrl: replica.url,
    prefix,
    waitReplicas,
    publicUrl: first.publicUrl,
    port: Number(new URL(first.base).port),
  });
}

describe('REDIS-06: primary killed, replica promoted', () => {
  it('with REDIS_WAIT_REPLICAS=1 (WAIT 1 100 after grant writes) the rotated OSC tokens survive: the grant works on the promoted replica without another OSC refresh', async () => {
    offsetMs = 0;
    const { primary, replica } = await pair();
    const prefix = newPrefix();
    const probeWaits = await primary.calls('wait'); // the pair's own sync probe
    const app = await bootApp({ redisUrl: primary.url, prefix, waitReplicas: 1 });
    const { tokens } = await connect(app.base, { user: 'alice' });
    // The callback's grant write and the code redemption were each followed by a WAIT.
    expect(await primary.calls('wait')).toBe(probeWaits + 2);
    const waitsBefore = await primary.calls('wait');
    const before = await onlyGrant(primary, prefix);

    await rotateOscTokens(app, tokens.access_token);
    expect(await primary.calls('wait')).toBe(waitsBefore + 1);
    expect(events(app, 'redis_wait_short')).toEqual([]);
    const rotated = (await onlyGrant(primary, prefix))!;
    expect(rotated.version).toBe(before!.version + 1);
    expect(rotated.oscSealed).not.toBe(before!.oscSealed);

    const app2 = await failOver(primary, replica, prefix, app, 1);
    expect((await onlyGrant(replica, prefix))?.oscSealed).toBe(rotated.oscSealed);
    const refreshes = (await emulator.control.stats()).refreshes;
    const res = await balance(app2.mcpUrl, tokens.access_token);
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain('"isError":true');
    // The promoted replica held the new OSC tokens: nothing had to be refreshed again.
    expect((await emulator.control.stats()).refreshes).toBe(refreshes);
  });

  // Whether an unacknowledged write reaches the replica before a kill -9 is a race (on
  // loopback replication usually wins: 2 of 20 writes lost, measured). Both outcomes are
  // forced instead of raced: the replica is cut off before the rotation (lost, here and in the
  // next case), or WAIT has the replica acknowledge it before the kill (kept, above).
  it('without WAIT (the default) a rotation the replica never received is a clean 401 challenge: never a 500, never a loop', async () => {
    offsetMs = 0;
    const { primary, replica } = await pair();
    const prefix = newPrefix();
    const probeWaits = await primary.calls('wait'); // the pair's own sync probe
    const app = await bootApp({ redisUrl: primary.url, prefix });
    const { client, tokens } = await connect(app.base, { user: 'bob' });
    await cutOff(replica, primary);
    await rotateOscTokens(app, tokens.access_token);
    expect(await primary.calls('wait')).toBe(probeWaits);

    const app2 = await failOver(primary, replica, prefix, app);
    const upstream = (await emulator.control.stats()).refreshFailures;
    const res = await balance(app2.mcpUrl, tokens.access_token);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    expect((await refresh(app2.base, client, tokens.refresh_token)).body.error).toBe('invalid_grant');
    // One refused OSC refresh: the stale token, once.
    expect((await emulator.control.stats()).refreshFailures - upstream).toBe(1);
    expect(events(app2, 'mcp_route')).toEqual([]);
  });

  it('a rotation the replica never received (replica cut off; WAIT reports 0 and the request still succeeds) ends as one clean 401 and a re-authorization, not a loop', async () => {
    offsetMs = 0;
    const { primary, replica } = await pair();
    const prefix = newPrefix();
    const app = await bootApp({ redisUrl: primary.url, prefix, waitReplicas: 1 });
    const { client, tokens } = await connect(app.base, { user: 'carol' });
    await cutOff(replica, primary);

    const { ms } = await rotateOscTokens(app, tokens.access_token);
    const short = events(app, 'redis_wait_short');
    expect(short).toHaveLength(1);
    expect(short[0]).toMatchObject({ acked: 0, wanted: 1 });
    expect(ms).toBeGreaterThanOrEqual(100); // WAIT's timeout, paid once; never an error

    const app2 = await failOver(primary, replica, prefix, app, 1);
    const failures = (await emulator.control.stats()).refreshFailures;
    const res = await balance(app2.mcpUrl, tokens.access_token);
    // The promoted replica holds the OSC refresh token OSC has already rotated away:
    // one refused refresh, the grant revoked, a challenge.
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    expect((await emulator.control.stats()).refreshFailures - failures).toBe(1);
    const again = await balance(app2.mcpUrl, tokens.access_token);
    expect(again.status).toBe(401);
    expect((await emulator.control.stats()).refreshFailures - failures).toBe(1);
    expect((await refresh(app2.base, client, tokens.refresh_token)).body.error).toBe('invalid_grant');
    // The way out works: authorize again.
    offsetMs = 0;
    const fresh = await connect(app2.base, { user: 'carol' });
    const ok = await balance(app2.mcpUrl, fresh.tokens.access_token);
    expect(ok.status).toBe(200);
    expect(await ok.text()).not.toContain('"isError":true');
    for (const a of [app, app2]) expect(events(a, 'mcp_route')).toEqual([]);
  });
});

describe('REDIS-07: the app on a read-only replica', () => {
  it('writes answer 503 while READONLY and leave nothing half-written; once the node is writable the same code and the same refresh token succeed', async () => {
    offsetMs = 0;
    const { primary, replica } = await pair();
    const prefix = newPrefix();
    const appA = await bootApp({ redisUrl: primary.url, prefix });
    const { client, tokens } = await connect(appA.base, { user: 'alice' });
    const client2 = await registerClient(appA.base);
    const pending = await authorize(appA.base, { client: client2, user: 'alice' });
    const codeKey = `${prefix}code:${hashSecret(pending.code!)}`;
    // Everything above is on the replica before the app is pointed at it.
    await until(async () => (await replica.admin((r) => r.exists(codeKey))) === 1, 10_000, 'the code on the replica');

    const appB = await bootApp({ redisUrl: replica.url, prefix, publicUrl: appA.publicUrl });
    const snapshot = async () => {
      const keys = (await replica.admin((r) => r.keys(`${prefix}*`)))
        .filter((k) => !k.startsWith(`${prefix}rl:`))
        .sort();
      const values = await replica.admin(async (r) =>
        Promise.all(
          keys.map(async (k) =>
            (await r.type(k)) === 'zset' ? (await r.zrange(k, '0', '-1')).join(',') : await r.get(k),
          ),
        ),
      );
      return keys.map((k, i) => `${k}=${values[i]}`);
    };
    const before = await snapshot();
    const refreshes = (await emulator.control.stats()).refreshes;

    const form = {
      grant_type: 'authorization_code',
      code: pending.code!,
      code_verifier: pending.verifier,
      redirect_uri: pending.redirectUri,
      ...clientAuth(client2),
    };
    const ex = await tokenRequest(appB.base, form);
    expect(ex.status).toBe(503);
    expect(Number(ex.headers.get('retry-after'))).toBeGreaterThan(0);
    const rf = await refresh(appB.base, client, tokens.refresh_token);
    expect(rf.status).toBe(503);
    // Reads still work on the replica (once the client is back from its READONLY reconnect).
    await until(
      async () => (await listTools(appB.mcpUrl, tokens.access_token)).status === 200,
      10_000,
      'reads on the replica',
    );
    // An OSC rotation is not even started: the refresh lock is a write and comes first, so
    // OSC never rotates tokens we could not store.
    offsetMs = INTO_OSC_MARGIN_MS;
    const call = await balance(appB.mcpUrl, tokens.access_token);
    expect(call.status).toBe(503);
    expect((await emulator.control.stats()).refreshes).toBe(refreshes);
    // Nothing partial: the code is still there, the grants, tokens and indexes unchanged.
    expect(await snapshot()).toEqual(before);
    offsetMs = 0;

    await replica.promote();
    // The client retries its exchange: 503 while the client reconnects, then 200; never
    // invalid_grant, which would mean a failed attempt had consumed the code.
    let exchanged: Awaited<ReturnType<typeof tokenRequest>> | undefined;
    const statuses: number[] = [];
    await until(
      async () => {
        exchanged = await tokenRequest(appB.base, form);
        statuses.push(exchanged.status);
        return exchanged.status !== 503;
      },
      10_000,
      'the exchange is answered',
    );
    expect(statuses).toEqual([...statuses.slice(0, -1).map(() => 503), 200]);
    expect((await listTools(appB.mcpUrl, exchanged!.body.access_token as string)).status).toBe(200);
    // The refresh token that met READONLY is still the current one: rotating it works and
    // is not mistaken for a replay.
    const rotated = await refresh(appB.base, client, tokens.refresh_token);
    expect(rotated.status).toBe(200);
    // And the OSC rotation refused above now happens, once.
    offsetMs = INTO_OSC_MARGIN_MS;
    const ok = await balance(appB.mcpUrl, rotated.body.access_token as string);
    expect(ok.status).toBe(200);
    expect(await ok.text()).not.toContain('"isError":true');
    expect((await emulator.control.stats()).refreshes).toBe(refreshes + 1);
    for (const a of [appA, appB]) expect(events(a, 'mcp_route')).toEqual([]);
    offsetMs = 0;
  });
});

describe('REDIS_WAIT_REPLICAS configuration', () => {
  it('defaults to 0 (off), takes a small integer, and is refused without REDIS_URL', async () => {
    const base = { SEAL_KEYS: TEST_SEAL_KEY };
    expect(loadConfig(base).redisWaitReplicas).toBe(0);
    expect(
      loadConfig({ ...base, REDIS_URL: `redis://127.0.0.1:${await freePort()}`, REDIS_WAIT_REPLICAS: '2' })
        .redisWaitReplicas,
    ).toBe(2);
    for (const bad of ['-1', 'one', '1.5']) {
      expect(() => loadConfig({ ...base, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_WAIT_REPLICAS: bad })).toThrow(
        ConfigError,
      );
    }
    expect(() => loadConfig({ ...base, REDIS_WAIT_REPLICAS: '1' })).toThrow(/REDIS_WAIT_REPLICAS/);
  });
});
