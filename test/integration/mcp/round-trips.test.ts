/**
 * At most two upstream round trips per tool call in steady state (PAT fresh, SAT cached),
 * counted by the emulator (its `apiCalls` counts every request to a platform or service
 * host). src/osc/sdk-platform.ts explains where the second one comes from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEmulator } from '../../support/emulator.js';
import { countCalls, startEmu, userSession, type UserSession } from './harness.js';

let emu: TestEmulator;
let alice: UserSession;

beforeAll(async () => {
  emu = await startEmu({ instanceStartMs: 0 });
  alice = await userSession(emu, 'alice');
  // Warm up: the first instance call mints the SAT (one POST /servicetoken).
  const first = await countCalls(emu, () => alice.call('list_instances', { serviceId: 'minio-minio' }));
  expect(first.calls).toEqual({ 'catalog.subscriptions.list': 1, 'token.servicetoken': 1, 'instances.list': 1 });
});
afterAll(async () => {
  await emu?.close();
});

const cases: Array<[string, Record<string, unknown>, Record<string, number>]> = [
  ['list_services', {}, { 'catalog.subscriptions.list': 1 }],
  ['describe_service', { serviceId: 'minio-minio' }, { 'catalog.subscriptions.list': 1 }],
  [
    'create_instance',
    { serviceId: 'minio-minio', name: 'rt1', options: { RootUser: 'u', RootPassword: 'p' } },
    { 'catalog.subscriptions.list': 1, 'instances.create': 1 },
  ],
  ['list_instances', { serviceId: 'minio-minio' }, { 'catalog.subscriptions.list': 1, 'instances.list': 1 }],
  ['get_instance', { serviceId: 'minio-minio', name: 'rt1' }, { 'catalog.subscriptions.list': 1, 'instances.get': 1 }],
  ['read_logs', { serviceId: 'minio-minio', name: 'rt1' }, { 'catalog.subscriptions.list': 1, 'instances.logs': 1 }],
  [
    'restart_instance',
    { serviceId: 'minio-minio', name: 'rt1' },
    { 'catalog.subscriptions.list': 1, 'instances.restart': 1 },
  ],
  // The SDK's removeInstance reads /mysubscriptions itself before the DELETE.
  [
    'delete_instance',
    { serviceId: 'minio-minio', name: 'rt1', confirm: true },
    { 'catalog.subscriptions.list': 1, 'instances.delete': 1 },
  ],
  ['token_balance', {}, { 'money.plan': 1, 'money.tokens': 1 }],
];

describe('round trips per tool call (steady state)', () => {
  it.each(cases)('%s', async (name, args, expected) => {
    const { result, apiCalls, calls } = await countCalls(emu, () => alice.call(name, args));
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(calls).toEqual(expected);
    expect(apiCalls).toBeLessThanOrEqual(2);
  });

  it('create_instance with wait adds one health GET per poll, nothing else', async () => {
    await emu.control.config({ instanceStartMs: 2500 });
    const { result, calls } = await countCalls(emu, () =>
      alice.call('create_instance', {
        serviceId: 'minio-minio',
        name: 'rt2',
        options: { RootUser: 'u', RootPassword: 'p' },
        wait: true,
        waitSeconds: 10,
      }),
    );
    expect((result.structuredContent as { ready: boolean }).ready).toBe(true);
    expect(calls['catalog.subscriptions.list']).toBe(1);
    expect(calls['instances.create']).toBe(1);
    expect(calls['instances.health']).toBeGreaterThanOrEqual(2);
    expect(Object.keys(calls).sort()).toEqual(['catalog.subscriptions.list', 'instances.create', 'instances.health']);
  });
});

/** The app tools (src/osc/sdk-apps.ts): one deploy-host call each, the logs one app-runner call. */
const appCases: Array<[string, Record<string, unknown>, Record<string, number>]> = [
  [
    'create_app',
    { name: 'rt-app', type: 'nodejs', repository: 'https://github.com/example/rt' },
    { 'deploy.apps.create': 1 },
  ],
  ['list_apps', {}, { 'deploy.apps.list': 1 }],
  ['get_app', { appId: 'rtapp' }, { 'deploy.apps.get': 1 }],
  ['read_app_logs', { appId: 'rtapp' }, { 'instances.logs': 1 }],
  ['restart_app', { appId: 'rtapp', rebuild: true }, { 'deploy.apps.restart': 1 }],
  ['update_app', { appId: 'rtapp', ref: 'main' }, { 'deploy.apps.sourceRef': 1 }],
  ['delete_app', { appId: 'rtapp', confirm: true }, { 'deploy.apps.delete': 1 }],
];

describe('round trips per app tool call (steady state)', () => {
  beforeAll(async () => {
    await emu.control.config({ instanceStartMs: 0 });
    // Warm up the app runner's service token (a missing app still mints it).
    await alice.call('read_app_logs', { appId: 'nosuchapp' });
  });

  it.each(appCases)('%s', async (name, args, expected) => {
    const { result, apiCalls, calls } = await countCalls(emu, () => alice.call(name, args));
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(calls).toEqual(expected);
    expect(apiCalls).toBe(1);
  });
});
