/**
 * Fidelity: the unmodified @osaas/client-core 0.20.0, through the emulator redirect,
 * against a running emulator. The environment label `emu` does not exist at OSC, so a
 * broken redirect fails closed (DNS error), never reaching production (src/emulator/README.md).
 */
import {
  Context,
  createInstance,
  FetchError,
  getInstance,
  getInstanceHealth,
  getLogsForInstance,
  getPortsForInstance,
  listInstances,
  listSubscriptions,
  removeInstance,
  restartInstance,
  UnauthorizedError,
} from '@osaas/client-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installEmulatorRedirect } from '../../src/osc/emulator-redirect.js';
import { oauthFlow, startTestEmulator, type TestEmulator } from '../support/emulator.js';

let emu: TestEmulator;
let ctx: Context;

beforeAll(async () => {
  emu = await startTestEmulator({ instanceStartMs: 4000 });
  installEmulatorRedirect(emu.url);
});
afterAll(() => emu.close());
beforeEach(async () => {
  await emu.control.reset();
  const { access_token } = await emu.control.mint('alice');
  ctx = new Context({ personalAccessToken: access_token, environment: 'emu' });
});

const ids = async (c: Context) => (await listSubscriptions(c)).map((s) => s.serviceId).sort();

describe('@osaas/client-core 0.20.0 against the emulator', () => {
  it('lists subscriptions as full service records with the caller env in apiUrl', async () => {
    type Sub = {
      serviceId: string;
      apiUrl: string;
      serviceMetadata: { instanceNoun: string };
      serviceInstanceOptions: Array<{ name: string }>;
    };
    const subs = (await listSubscriptions(ctx)) as unknown as Sub[];
    expect(subs.map((s) => s.serviceId).sort()).toEqual(['eyevinn-test-adserver', 'minio-minio']);
    const minio = subs.find((s) => s.serviceId === 'minio-minio')!;
    expect(minio.apiUrl).toBe('https://api-minio-minio.auto.emu.osaas.io/minioinstance');
    expect(minio.serviceMetadata.instanceNoun).toBe('minio');
    const pw = minio.serviceInstanceOptions.find((o) => o.name === 'RootPassword');
    expect(pw).toMatchObject({ mandatory: true, sensitive: true });
  });

  it('getServiceAccessToken subscribes an unsubscribed service as a side effect', async () => {
    expect(await ids(ctx)).not.toContain('apache-couchdb');
    const sat = await ctx.getServiceAccessToken('apache-couchdb');
    expect(sat.split('.')).toHaveLength(3);
    expect(await ids(ctx)).toContain('apache-couchdb');
    expect(await emu.control.calls('catalog.subscriptions.add')).toBe(1);
    // Already subscribed: no second POST.
    await ctx.getServiceAccessToken('apache-couchdb');
    expect(await emu.control.calls('catalog.subscriptions.add')).toBe(1);
  });

  it('runs the instance lifecycle: create, list, get, health, logs, ports, restart, remove', async () => {
    const sat = await ctx.getServiceAccessToken('minio-minio');
    const created = await createInstance(ctx, 'minio-minio', sat, {
      name: 'store',
      RootUser: 'admin',
      RootPassword: 'pw-123456',
    });
    expect(created).toMatchObject({ name: 'store', RootUser: 'admin', RootPassword: 'pw-123456' });
    expect(created._links.health.href).toBe('/health/store');
    expect(created.url).toBe('https://alice-team-store.minio-minio.auto.emu.osaas.io');

    const list = await listInstances(ctx, 'minio-minio', sat);
    expect(list.map((i: { name: string }) => i.name)).toEqual(['store']);
    expect((await getInstance(ctx, 'minio-minio', 'store', sat)).RootPassword).toBe('pw-123456');

    expect(await getInstanceHealth(ctx, 'minio-minio', 'store', sat)).toBe('starting');
    await emu.control.advanceClock(5);
    expect(await getInstanceHealth(ctx, 'minio-minio', 'store', sat)).toBe('running');

    const logs = await getLogsForInstance(ctx, 'minio-minio', 'store', sat);
    expect(typeof logs).toBe('string');
    expect(logs).toContain('store');
    expect(await getPortsForInstance(ctx, 'minio-minio', 'store', sat)).toEqual([]);

    await restartInstance(ctx, 'minio-minio', 'store', sat);
    expect(await getInstanceHealth(ctx, 'minio-minio', 'store', sat)).toBe('starting');

    await removeInstance(ctx, 'minio-minio', 'store', sat);
    expect(await getInstance(ctx, 'minio-minio', 'store', sat)).toBeUndefined();
    expect(await listInstances(ctx, 'minio-minio', sat)).toEqual([]);
  });

  it('reports health starting → running on real time too', async () => {
    const sat = await ctx.getServiceAccessToken('eyevinn-test-adserver');
    await createInstance(ctx, 'eyevinn-test-adserver', sat, { name: 'ads' });
    expect(await getInstanceHealth(ctx, 'eyevinn-test-adserver', 'ads', sat)).toBe('starting');
    await new Promise((r) => setTimeout(r, 4100));
    expect(await getInstanceHealth(ctx, 'eyevinn-test-adserver', 'ads', sat)).toBe('running');
  });

  it('gives FetchError shapes for 409, 404 and 400 as the SDK parses them', async () => {
    const sat = await ctx.getServiceAccessToken('eyevinn-test-adserver');
    await createInstance(ctx, 'eyevinn-test-adserver', sat, { name: 'dup' });
    const dup = await createInstance(ctx, 'eyevinn-test-adserver', sat, { name: 'dup' }).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(FetchError);
    expect(dup).toMatchObject({ httpCode: 409, message: 'Name is already taken' });

    const gone = await removeInstance(ctx, 'eyevinn-test-adserver', 'nosuch', sat).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(FetchError);
    expect(gone).toMatchObject({ httpCode: 404, message: 'Instance nosuch not found' });

    const minioSat = await ctx.getServiceAccessToken('minio-minio');
    const missing = await createInstance(ctx, 'minio-minio', minioSat, { name: 'nopw', RootUser: 'u' }).catch(
      (e: unknown) => e,
    );
    expect(missing).toMatchObject({ httpCode: 400, message: 'Missing mandatory option: RootPassword' });
  });

  it('answers a SAT for another service with the HTML 401 the SDK turns into UnauthorizedError', async () => {
    const wrong = await ctx.getServiceAccessToken('minio-minio');
    const err = await getInstance(ctx, 'eyevinn-test-adserver', 'x', wrong).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnauthorizedError);
    const list = await listInstances(ctx, 'eyevinn-test-adserver', wrong).catch((e: unknown) => e);
    expect(list).toMatchObject({ httpCode: 401, message: '<html>401 Authorization Required</html>' });
  });

  it('keeps tenants apart: bob never sees alice instances', async () => {
    const aliceSat = await ctx.getServiceAccessToken('eyevinn-test-adserver');
    await createInstance(ctx, 'eyevinn-test-adserver', aliceSat, { name: 'mine' });
    const bob = new Context({ personalAccessToken: (await emu.control.mint('bob')).access_token, environment: 'emu' });
    const bobSat = await bob.getServiceAccessToken('eyevinn-test-adserver');
    expect(await listInstances(bob, 'eyevinn-test-adserver', bobSat)).toEqual([]);
    expect(await getInstance(bob, 'eyevinn-test-adserver', 'mine', bobSat)).toBeUndefined();
    const del = await removeInstance(bob, 'eyevinn-test-adserver', 'mine', bobSat).catch((e: unknown) => e);
    expect(del).toMatchObject({ httpCode: 404 });
    expect((await emu.control.tenant('alice-team')).instances['eyevinn-test-adserver']).toEqual(['mine']);
  });

  it('rejects a revoked PAT on the platform', async () => {
    await emu.control.revokeUser('alice');
    const err = await listSubscriptions(ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({ httpCode: 401 });
  });

  it('getInstance swallows a 500 into undefined (SDK quirk reproduced through a fault)', async () => {
    const sat = await ctx.getServiceAccessToken('eyevinn-test-adserver');
    await createInstance(ctx, 'eyevinn-test-adserver', sat, { name: 'here' });
    await emu.control.failNext('instances.get', { status: 500 });
    expect(await getInstance(ctx, 'eyevinn-test-adserver', 'here', sat)).toBeUndefined();
    expect(await getInstance(ctx, 'eyevinn-test-adserver', 'here', sat)).toMatchObject({ name: 'here' });
  });

  it('works with a PAT from the OAuth flow run against app.emu.osaas.io', async () => {
    const t = await oauthFlow('https://app.emu.osaas.io', 'bob');
    const bob = new Context({ personalAccessToken: t.access_token, environment: 'emu' });
    const sat = await bob.getServiceAccessToken('valkey-io-valkey');
    await createInstance(bob, 'valkey-io-valkey', sat, { name: 'cache', Password: 'pw' });
    const ports = await getPortsForInstance(bob, 'valkey-io-valkey', 'cache', sat);
    expect(ports).toEqual([
      expect.objectContaining({ internalPort: 6379, externalIp: expect.any(String), externalPort: expect.any(Number) }),
    ]);
    const hosts = new Set((await emu.control.requests()).map((r) => r.host));
    expect(hosts).toEqual(
      new Set([
        'app.emu.osaas.io',
        'catalog.svc.emu.osaas.io',
        'token.svc.emu.osaas.io',
        'api-valkey-io-valkey.auto.emu.osaas.io',
      ]),
    );
  });
});
