/**
 * EGRESS-01..EGRESS-04 (issue 16 class 3; docs/security.md, "Secrets", RFC 9728 §7.7): every request of the process to OSC —
 * ours and the ones @osaas/client-core makes — goes only to https://*.osaas.io (here: the
 * emulator behind the global dispatcher), never follows a redirect, and a foreign host
 * named by OSC is an upstream error. A listener on a foreign loopback port stands for the
 * attacker's host and must receive nothing, on every route the tools use.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestEmulator } from '../../support/emulator.js';
import { startEmu, textOf, userSession, type UserSession } from './harness.js';
import { createOscOAuthClient } from '../../../src/osc/oauth-client.js';
import { oscOAuthUrls } from '../../../src/osc/hosts.js';
import { OSC_EGRESS } from '../../../src/osc/egress.js';
import { runInUpstreamScope } from '../../../src/osc/dispatcher.js';
import { UpstreamBadResponseError } from '../../../src/errors.js';

let emu: TestEmulator;
let alice: UserSession;
let foreign: Server;
let foreignUrl: string;
const received: Array<{ method?: string; url?: string; headers: IncomingHttpHeaders }> = [];

beforeAll(async () => {
  emu = await startEmu({ instanceStartMs: 0 });
  foreign = createServer((req, res) => {
    received.push({ method: req.method, url: req.url, headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
  });
  await new Promise<void>((r) => foreign.listen(0, '127.0.0.1', r));
  foreignUrl = `http://127.0.0.1:${(foreign.address() as { port: number }).port}`;
});
beforeEach(async () => {
  await emu.control.clearFaults();
  alice = await userSession(emu, 'alice');
  received.length = 0;
});
afterEach(() => {
  // The proof: nothing, not even a connection's first request, reached the foreign host.
  expect(received).toEqual([]);
});
afterAll(async () => {
  await emu?.close();
  await new Promise((r) => foreign.close(r));
});

const S = 'minio-minio';
// Every route id the tools use (src/emulator/README.md "Route ids"), with a call that reaches it.
const ROUTES: Array<[route: string, tool: string, args: Record<string, unknown>, failsTheTool?: false]> = [
  ['catalog.subscriptions.list', 'list_services', {}],
  ['catalog.subscriptions.add', 'create_instance', { serviceId: 'valkey-io-valkey', name: 'cache1', options: {} }],
  ['token.servicetoken', 'list_instances', { serviceId: S }],
  ['instances.list', 'list_instances', { serviceId: S }],
  ['instances.get', 'get_instance', { serviceId: S, name: 'store1' }],
  [
    'instances.create',
    'create_instance',
    { serviceId: S, name: 'store2', options: { RootUser: 'admin', RootPassword: 'pw-1234567' } },
  ],
  ['instances.delete', 'delete_instance', { serviceId: S, name: 'store1', confirm: true }],
  ['instances.logs', 'read_logs', { serviceId: S, name: 'store1' }],
  // A create that waits polls health; a failed health read ends the wait as "not ready", the create stands.
  [
    'instances.health',
    'create_instance',
    {
      serviceId: S,
      name: 'store3',
      options: { RootUser: 'admin', RootPassword: 'pw-1234567' },
      wait: true,
      waitSeconds: 5,
    },
    false,
  ],
  ['instances.restart', 'restart_instance', { serviceId: S, name: 'store1' }],
  ['money.plan', 'token_balance', {}],
  ['money.tokens', 'token_balance', {}],
];

/** store1 exists before each case (the emulator's state lives across cases; a delete case may remove it). */
async function seedInstance(): Promise<void> {
  if (!(await alice.call('get_instance', { serviceId: S, name: 'store1' })).isError) return;
  const r = await alice.call('create_instance', {
    serviceId: S,
    name: 'store1',
    options: { RootUser: 'admin', RootPassword: 'pw-1234567' },
  });
  expect(r.isError, textOf(r)).toBeFalsy();
}

describe('EGRESS-01: a 3xx from OSC is an upstream error, never followed', () => {
  it.each(ROUTES)('%s answers 302 to a foreign host → %s', async (route, tool, args, failsTheTool) => {
    await seedInstance();
    alice = await userSession(emu, 'alice'); // no SAT cached: the mint goes upstream too
    await emu.control.failNext(route, { status: 302, headers: { location: `${foreignUrl}/steal` } }, 'always');
    const before = await emu.control.calls(route);
    const r = await alice.call(tool, args);
    expect(await emu.control.calls(route), 'the route was reached').toBeGreaterThan(before);
    expect(r.isError ?? false, textOf(r)).toBe(failsTheTool ?? true);
    expect(textOf(r)).not.toContain(foreignUrl);
  });

  it('a 307 to another *.osaas.io host is not followed either', async () => {
    await emu.control.failNext(
      'catalog.subscriptions.list',
      { status: 307, headers: { location: 'https://catalog.svc.emu.osaas.io/mysubscriptions?again=1' } },
      'always',
    );
    const before = await emu.control.calls('catalog.subscriptions.list');
    const r = await alice.call('list_services');
    expect(r.isError).toBe(true);
    // Read retries may repeat the request; none of them is a followed redirect with `again=1`.
    const after = await emu.control.calls('catalog.subscriptions.list');
    expect(after - before).toBeLessThanOrEqual(3);
  });
});

describe('EGRESS-02: a foreign host named by OSC is never called', () => {
  const catalogWith = async (mutate: (rec: Record<string, unknown>) => void) => {
    const pat = await alice.credentials.accessToken();
    const res = await fetch('https://catalog.svc.emu.osaas.io/mysubscriptions', {
      headers: { 'x-pat-jwt': `Bearer ${pat}` },
    });
    const list = (await res.json()) as Array<Record<string, unknown>>;
    for (const rec of list) mutate(rec);
    await emu.control.failNext('catalog.subscriptions.list', { status: 200, body: list }, 'always');
  };

  const FOREIGN_API: Array<[what: string, apiUrl: () => string]> = [
    ['an http apiUrl on a foreign port', () => `${foreignUrl}/minioinstance`],
    ['an https apiUrl outside osaas.io', () => 'https://127.0.0.1:1/minioinstance'],
    ['a look-alike host', () => 'https://osaas.io.evil.example/minioinstance'],
  ];
  it.each(FOREIGN_API)(
    'catalog apiUrl is %s: every instance tool fails, the SDK delete included',
    async (_what, apiUrl) => {
      await seedInstance();
      await catalogWith((rec) => {
        rec.apiUrl = apiUrl();
      });
      for (const [, tool, args] of ROUTES.filter(([route]) => route.startsWith('instances.'))) {
        const r = await alice.call(tool, args);
        expect(r.isError, `${tool}: ${textOf(r)}`).toBe(true);
      }
    },
  );

  it('instance URLs and _links naming a foreign host are shown as data, never fetched', async () => {
    await seedInstance();
    await emu.control.failNext(
      'instances.get',
      {
        status: 200,
        body: {
          name: 'store1',
          url: `${foreignUrl}/ui`,
          _links: {
            self: { href: `${foreignUrl}/self` },
            logs: { href: `${foreignUrl}/logs` },
            health: { href: `${foreignUrl}/health` },
          },
        },
      },
      'always',
    );
    const calls: Array<[string, Record<string, unknown>]> = [
      ['get_instance', { serviceId: S, name: 'store1' }],
      ['read_logs', { serviceId: S, name: 'store1' }],
      ['delete_instance', { serviceId: S, name: 'store1', confirm: true }],
    ];
    for (const [tool, args] of calls) {
      await alice.call(tool, args);
    }
  });
});

describe('EGRESS-03: the OSC OAuth client never follows a redirect', () => {
  it.each(['oauth.token.refresh', 'oauth.register'])('%s answers 302 → an upstream error', async (route) => {
    await emu.control.failNext(route, { status: 302, headers: { location: `${foreignUrl}/token` } }, 'always');
    const client = createOscOAuthClient(oscOAuthUrls('emu'));
    const call =
      route === 'oauth.register'
        ? client.register({ redirectUri: 'https://mcp.example/oauth/callback', clientName: 'x' })
        : client.refresh({
            client: { clientId: 'c', clientSecret: 'osc_secret_CANARY' },
            refreshToken: 'osc_rt_CANARY',
          });
    await expect(call).rejects.toHaveProperty('kind');
  });
});

describe('UPSTREAM-11: the OSC OAuth client reads a bounded reply', () => {
  it('a 10 MB token reply → an upstream error, and the client goes on working', async () => {
    await emu.control.failNext('oauth.token.refresh', { status: 200, body: 'x', bodyRepeat: 10_000_000 });
    const client = createOscOAuthClient(oscOAuthUrls('emu'));
    const refresh = () =>
      client.refresh({ client: { clientId: 'c', clientSecret: 'osc_secret_CANARY' }, refreshToken: 'osc_rt_CANARY' });
    await expect(refresh()).rejects.toMatchObject({
      kind: 'upstream_unavailable',
      message: 'OSC sent an oversized reply',
    });
    // The next reply is the emulator's own, read whole: a client it never registered.
    await expect(refresh()).rejects.toMatchObject({ kind: 'osc_invalid_client' });
  });
});

// How a request is known for an OSC call (src/osc/egress.ts): ours by the dispatcher they
// name, the SDK's by the context they run in, which is tracked only while one runs (issue
// 18: an enabled AsyncLocalStorage costs every promise of the process on Node 20 and 22).
describe('the OSC-call mark: our dispatcher, the SDK context, nothing outside', () => {
  it('a request through OSC_EGRESS to a foreign host is refused before any connection', async () => {
    const err = await fetch(`${foreignUrl}/x`, { dispatcher: OSC_EGRESS } as RequestInit).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as Error & { cause?: unknown }).cause).toBeInstanceOf(UpstreamBadResponseError);
  });

  it('a request inside an SDK scope is refused too; once no scope runs, an unmarked request passes', async () => {
    const scope = { signal: new AbortController().signal };
    const inside = await runInUpstreamScope(scope, () => fetch(`${foreignUrl}/x`)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((inside as Error & { cause?: unknown }).cause).toBeInstanceOf(UpstreamBadResponseError);
    // Concurrent scopes: the first to settle leaves the other's requests held.
    let release!: () => void;
    const held = runInUpstreamScope(scope, async () => {
      await new Promise<void>((r) => (release = r));
      return fetch(`${foreignUrl}/y`);
    });
    await runInUpstreamScope(scope, async () => undefined);
    release();
    expect(((await held.catch((e: unknown) => e)) as Error & { cause?: unknown }).cause).toBeInstanceOf(
      UpstreamBadResponseError,
    );
    expect(received).toEqual([]);
    // Outside any scope (the metadata fetcher's kind of request) nothing is held.
    expect((await fetch(`${foreignUrl}/z`)).status).toBe(200);
    expect(received.map((r) => r.url)).toEqual(['/z']);
    received.length = 0;
  });
});
