/**
 * The issue-19 tools through the SDK adapter and the real SDK client against the emulator
 * (src/emulator/README.md, "Route reference for tool builders"): create_database's generated
 * password reaches the database (the emulator's `/instance/check` knob) and no tool result or
 * log line (SECRET-01, read back via `GET /__emulator/secrets`); endpoints; update in place;
 * a config store created, set and read back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEmulator } from '../../support/emulator.js';
import { startEmu, textOf, userSession, type UserSession } from './harness.js';

let emu: TestEmulator;
let alice: UserSession;

beforeAll(async () => {
  emu = await startEmu({ instanceStartMs: 1000 });
  alice = await userSession(emu, 'alice');
});
afterAll(async () => {
  await emu?.close();
});

const knob = async <T>(path: string, body?: unknown): Promise<T> => {
  const res = await fetch(`${emu.url}/__emulator${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return (await res.json()) as T;
};

describe('issue-19 tools over the emulator', () => {
  it('create_database: the password is a secret that reached the database and appears in no result or log; endpoints and update work', async () => {
    const r = await alice.call('create_database', {
      serviceId: 'birme-osc-postgresql',
      name: 'shopdb',
      waitSeconds: 20,
    });
    expect(r.isError).toBeFalsy();
    const out = r.structuredContent as { connectionString: string; ready: boolean; secretName: string; port?: number };
    expect(out.ready).toBe(true);
    expect(out.secretName).toBe('shopdb-password');
    expect(out.connectionString).toMatch(
      /^postgresql:\/\/postgres:\{\{secrets\.shopdb-password\}\}@[^:]+:\d+\/postgres$/,
    );
    const { secrets } = await knob<{ secrets: Array<{ kind: string; value: string }> }>('/secrets');
    const stored = secrets.filter((s) => s.kind === 'service_secret').map((s) => s.value);
    expect(stored).toHaveLength(1);
    const password = stored[0]!;
    const check = await knob<{ matches: boolean }>('/instance/check', {
      tenantId: alice.tenantId,
      serviceId: 'birme-osc-postgresql',
      name: 'shopdb',
      option: 'PostgresPassword',
      value: password,
    });
    expect(check.matches).toBe(true);

    const names = await alice.call('list_secrets', { serviceId: 'birme-osc-postgresql' });
    expect((names.structuredContent as { names: string[] }).names).toEqual(['shopdb-password']);
    const ends = await alice.call('get_instance_endpoints', { serviceId: 'birme-osc-postgresql', name: 'shopdb' });
    const e = ends.structuredContent as {
      external: Array<{ ip: string; port: number; internalPort: number }>;
      internalPorts: Array<{ port: number }>;
      publicAccess: boolean;
    };
    expect(e.external[0]?.internalPort).toBe(5432);
    expect(e.internalPorts.map((p) => p.port)).toContain(5432);
    expect(e.publicAccess).toBe(true);
    const upd = await alice.call('update_instance', {
      serviceId: 'birme-osc-postgresql',
      name: 'shopdb',
      options: { PostgresDb: 'shop' },
    });
    expect(upd.isError).toBeFalsy();
    expect(
      (await alice.call('get_instance', { serviceId: 'birme-osc-postgresql', name: 'shopdb' })).structuredContent,
    ).toMatchObject({ fields: { PostgresDb: 'shop' } });

    const everything = JSON.stringify([r, names, ends, upd]) + alice.logs.join('\n');
    expect(everything).not.toContain(password);
  });

  it('a config store: created, set once it runs, read back and listed; its API key reaches no log line', async () => {
    expect((await alice.call('create_config_store', { store: 'appcfg' })).isError).toBeFalsy();
    await new Promise((r) => setTimeout(r, 1500));
    const set = await alice.call('set_config', { store: 'appcfg', parameter: 'LOG_LEVEL', value: 'debug' });
    expect(set.isError, textOf(set)).toBeFalsy();
    expect((await alice.call('get_config', { store: 'appcfg', parameter: 'LOG_LEVEL' })).structuredContent).toEqual({
      store: 'appcfg',
      parameter: 'LOG_LEVEL',
      value: 'debug',
      secret: false,
    });
    expect((await alice.call('list_config', { store: 'appcfg' })).structuredContent).toMatchObject({
      total: 1,
      items: [{ parameter: 'LOG_LEVEL', value: 'debug', secret: false }],
    });
    const { secrets } = await knob<{ secrets: Array<{ kind: string; value: string }> }>('/secrets');
    const apiKeys = secrets.filter((s) => s.kind === 'config_api_key').map((s) => s.value);
    expect(apiKeys.length).toBeGreaterThan(0);
    for (const k of apiKeys) expect(alice.logs.join('\n')).not.toContain(k);
  });
});
