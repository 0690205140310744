/** get_instance_endpoints and update_instance (src/mcp/tools/get-instance-endpoints.ts, update-instance.ts) against the in-memory OSC fake. */
import { describe, expect, it } from 'vitest';
import { FakeOscPlatform } from '../../../support/fakes/osc-platform.js';
import { inMemoryMcp, textOf } from '../../../support/mcp-in-memory.js';

const signal = () => AbortSignal.timeout(5_000);

async function withDatabase(): Promise<FakeOscPlatform> {
  const osc = new FakeOscPlatform();
  await osc.subscribe('birme-osc-postgresql', signal());
  await osc.createInstance('birme-osc-postgresql', 'db1', { PostgresPassword: '{{secrets.dbpw}}' }, signal());
  return osc;
}

describe('get_instance_endpoints', () => {
  it('a database: public URL, external IP and port, internal DNS and port, public access on; no credentials', async () => {
    const osc = await withDatabase();
    const r = await inMemoryMcp(osc).call('get_instance_endpoints', { serviceId: 'birme-osc-postgresql', name: 'db1' });
    expect(r.structuredContent).toEqual({
      serviceId: 'birme-osc-postgresql',
      name: 'db1',
      url: 'https://birme-osc-postgresql-db1.fake.osaas.io',
      external: [{ ip: '192.0.2.10', port: 35432, internalPort: 5432 }],
      internalDns: 'birme-osc-postgresql-db1.fake.svc.cluster.local',
      internalPorts: [{ name: 'tcp', port: 5432, protocol: 'TCP' }],
      publicAccess: true,
    });
    expect(textOf(r)).toContain('- from outside OSC: 192.0.2.10:35432 (→ 5432)');
    expect(textOf(r)).toContain(
      '- inside the workspace: birme-osc-postgresql-db1.fake.svc.cluster.local ports 5432/TCP (tcp)',
    );
    expect(JSON.stringify(r)).not.toContain('secrets.');
  });

  it('public access off: no external port, and it says so', async () => {
    const osc = await withDatabase();
    osc.closePublicAccess('birme-osc-postgresql', 'db1');
    const r = await inMemoryMcp(osc).call('get_instance_endpoints', { serviceId: 'birme-osc-postgresql', name: 'db1' });
    expect(r.structuredContent).toMatchObject({ external: [], publicAccess: false });
    expect(textOf(r)).toContain('- from outside OSC: no TCP port exposed');
    expect(textOf(r)).toContain('- public access: off');
  });

  it('an unknown instance points at list_instances', async () => {
    const r = await inMemoryMcp(await withDatabase()).call('get_instance_endpoints', {
      serviceId: 'birme-osc-postgresql',
      name: 'nosuch',
    });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/^OSC has no instance "nosuch" of service "birme-osc-postgresql"/);
  });
});

describe('update_instance', () => {
  it('changes the given option in place; the instance restarts and keeps the others', async () => {
    const osc = await withDatabase();
    osc.advance(60_000);
    const r = await inMemoryMcp(osc).call('update_instance', {
      serviceId: 'birme-osc-postgresql',
      name: 'db1',
      options: { PostgresDb: 'shop' },
    });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({
      changed: ['PostgresDb'],
      plainSecrets: [],
      instance: { name: 'db1', status: 'starting' },
    });
    expect(textOf(r)).toBe(
      'Changed "PostgresDb" on "db1" of "birme-osc-postgresql"; it is restarting with the new options.',
    );
    expect(osc.instanceOptions('birme-osc-postgresql', 'db1')).toEqual({
      PostgresPassword: '{{secrets.dbpw}}',
      PostgresDb: 'shop',
    });
  });

  it('a plain value for a secret option is accepted, redacted, and the result says the model saw it', async () => {
    const osc = await withDatabase();
    const r = await inMemoryMcp(osc).call('update_instance', {
      serviceId: 'birme-osc-postgresql',
      name: 'db1',
      options: { PostgresPassword: 'plain-pw-1' },
    });
    expect(r.structuredContent).toMatchObject({
      plainSecrets: ['PostgresPassword'],
      instance: { fields: { PostgresPassword: '[redacted]' } },
    });
    expect(textOf(r)).toContain('Note: "PostgresPassword" is a secret option and was given as a plain value');
    expect(JSON.stringify(r.structuredContent)).not.toContain('plain-pw-1');
  });

  it('unknown options, a rename and an empty change are refused before OSC is asked', async () => {
    const osc = await withDatabase();
    const mcp = inMemoryMcp(osc);
    const r = await mcp.call('update_instance', {
      serviceId: 'birme-osc-postgresql',
      name: 'db1',
      options: { Nope: 'x', name: 'other' },
    });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(
      /^Nothing was changed on "db1" of "birme-osc-postgresql":\n- unknown option "Nope"\n- the name of an instance cannot be changed/,
    );
    expect(
      textOf(await mcp.call('update_instance', { serviceId: 'birme-osc-postgresql', name: 'db1', options: {} })),
    ).toContain('no options given');
    expect(osc.calls.updateInstance).toBeUndefined();
  });

  it('a service without updates: the result says so and what the alternative costs', async () => {
    const osc = new FakeOscPlatform();
    await osc.createConfigStore('store1', signal());
    await osc.subscribe('eyevinn-app-config-svc', signal());
    const r = await inMemoryMcp(osc).call('update_instance', {
      serviceId: 'eyevinn-app-config-svc',
      name: 'store1',
      options: { RedisUrl: 'redis://x' },
    });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(
      /^Not changed: service "eyevinn-app-config-svc" does not support changing the options of an existing instance\. The alternative is to delete the instance and create it again with the new options, which loses its data/,
    );
  });
});
