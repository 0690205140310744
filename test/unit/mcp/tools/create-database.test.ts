/** create_database (src/mcp/tools/create-database.ts) against the in-memory OSC fake: the generated password reaches OSC as a secret and nothing else. */
import { describe, expect, it } from 'vitest';
import { defaultWorld, FakeOscPlatform } from '../../../support/fakes/osc-platform.js';
import { inMemoryMcp, textOf } from '../../../support/mcp-in-memory.js';

describe('create_database', () => {
  it('stores a generated password as a service secret, creates with the reference, waits until running, answers with a reference', async () => {
    const osc = new FakeOscPlatform({ ...defaultWorld(), startMs: 0 });
    const mcp = inMemoryMcp(osc);
    const progress: string[] = [];
    const r = await mcp.call(
      'create_database',
      { serviceId: 'birme-osc-postgresql', name: 'db1', waitSeconds: 5 },
      { onProgress: (p) => progress.push(p.message ?? '') },
    );
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toEqual({
      serviceId: 'birme-osc-postgresql',
      name: 'db1',
      secretName: 'db1-password',
      connectionString: 'postgresql://postgres:{{secrets.db1-password}}@192.0.2.10:35432/postgres',
      host: '192.0.2.10',
      port: 35432,
      ready: true,
      health: 'running',
    });
    const password = osc.secrets.get('birme-osc-postgresql')?.get('db1-password') ?? '';
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(osc.instanceOptions('birme-osc-postgresql', 'db1')).toEqual({
      PostgresPassword: '{{secrets.db1-password}}',
    });
    expect(progress).toContain('storing the generated password as a service secret');
    // The value is in no result and no log line.
    expect(JSON.stringify(r)).not.toContain(password);
    expect(mcp.logs.join('\n')).not.toContain(password);
    expect(textOf(r)).toContain('no one in this chat has seen it');
  });

  it('two databases get different passwords', async () => {
    const osc = new FakeOscPlatform({ ...defaultWorld(), startMs: 0 });
    const mcp = inMemoryMcp(osc);
    await mcp.call('create_database', { serviceId: 'birme-osc-postgresql', name: 'db1', waitSeconds: 5 });
    await mcp.call('create_database', { serviceId: 'birme-osc-postgresql', name: 'db2', waitSeconds: 5 });
    const held = osc.secrets.get('birme-osc-postgresql')!;
    expect(held.get('db1-password')).not.toBe(held.get('db2-password'));
  });

  it('a service that is not a database is refused before OSC is asked', async () => {
    const osc = new FakeOscPlatform();
    await expect(
      inMemoryMcp(osc).call('create_database', { serviceId: 'minio-minio', name: 'db1' }),
    ).resolves.toMatchObject({ isError: true });
    expect(osc.calls).toEqual({});
  });
});
