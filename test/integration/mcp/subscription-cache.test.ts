/**
 * With the per-grant subscription cache the app installs (src/osc/subscription-cache.ts),
 * every read tool costs at most one upstream round trip in steady state, and the catalog
 * reads none (issue 18). A service subscribed outside this server shows at once; one that
 * is not subscribed is still refused after OSC was asked again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubscriptionCache } from '../../../src/osc/subscription-cache.js';
import type { TestEmulator } from '../../support/emulator.js';
import { countCalls, startEmu, textOf, userSession, type UserSession } from './harness.js';

let emu: TestEmulator;
let alice: UserSession;
let now = 1_000_000;
const cache = new SubscriptionCache({ ttlMs: 30_000, now: () => now });

beforeAll(async () => {
  emu = await startEmu({ instanceStartMs: 0 });
  alice = await userSession(emu, 'alice', { subscriptionCache: cache });
  const warm = await countCalls(emu, () =>
    alice.call('create_instance', {
      serviceId: 'minio-minio',
      name: 'sc1',
      options: { RootUser: 'u', RootPassword: 'p' },
    }),
  );
  expect(warm.result.isError, textOf(warm.result)).toBeFalsy();
  expect(warm.calls).toEqual({ 'catalog.subscriptions.list': 1, 'token.servicetoken': 1, 'instances.create': 1 });
});
afterAll(async () => {
  await emu?.close();
});

const reads: Array<[string, Record<string, unknown>, Record<string, number>]> = [
  ['list_services', {}, {}],
  ['describe_service', { serviceId: 'minio-minio' }, {}],
  ['list_instances', { serviceId: 'minio-minio' }, { 'instances.list': 1 }],
  ['get_instance', { serviceId: 'minio-minio', name: 'sc1' }, { 'instances.get': 1 }],
  ['read_logs', { serviceId: 'minio-minio', name: 'sc1' }, { 'instances.logs': 1 }],
];

describe('steady state with the subscription cache', () => {
  it.each(reads)('%s: at most one round trip', async (name, args, expected) => {
    const { result, apiCalls, calls } = await countCalls(emu, () => alice.call(name, args));
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(calls).toEqual(expected);
    expect(apiCalls).toBe(Object.values(expected).reduce((a, b) => a + b, 0));
  });

  it('after the TTL the list is read again, once', async () => {
    now += 30_000;
    const first = await countCalls(emu, () => alice.call('list_instances', { serviceId: 'minio-minio' }));
    expect(first.calls).toEqual({ 'catalog.subscriptions.list': 1, 'instances.list': 1 });
    const second = await countCalls(emu, () => alice.call('list_instances', { serviceId: 'minio-minio' }));
    expect(second.calls).toEqual({ 'instances.list': 1 });
  });

  it('a service subscribed in the OSC console is seen at once; an unsubscribed one is refused after asking OSC', async () => {
    const t = await emu.control.tenant(alice.tenantId);
    await emu.control.setTenant(alice.tenantId, { subscriptions: [...t.subscriptions, 'valkey-io-valkey'] });
    const seen = await countCalls(emu, () => alice.call('describe_service', { serviceId: 'valkey-io-valkey' }));
    expect(seen.result.isError, textOf(seen.result)).toBeFalsy();
    expect(seen.calls).toEqual({ 'catalog.subscriptions.list': 1 });

    const refused = await countCalls(emu, () => alice.call('list_instances', { serviceId: 'apache-couchdb' }));
    expect(refused.result.isError).toBe(true);
    expect(refused.calls).toEqual({ 'catalog.subscriptions.list': 1 });
  });
});
