/** create_database (src/mcp/tools/create-database.ts) against the in-memory OSC fake: the generated password reaches OSC as a secret and nothing else. */
import { describe, expect, it } from 'vitest';
import { defaultWorld, FakeOscPlatform } from '../../../support/fakes/osc-platform.js';
import { inMemoryMcp, textOf } from '../../../support/mcp-in-memory.js';
import { MemoryTokenStore } from '../../../../src/storage/memory-store.js';
import { findConnectionView, secretEntryPort } from '../../../../src/secrets/entry.js';
import { sampleGrant } from '../../../support/store-contract-harness.js';

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

describe('create_database with the user’s own password and a details link (SECRET-11)', () => {
  const world = () => new FakeOscPlatform({ ...defaultWorld(), startMs: 0 });
  async function port(store: MemoryTokenStore) {
    await store.put('grant', 'g-1', { ...sampleGrant('g-1'), tenantId: 'acme', userId: 'alice' }, 600);
    return secretEntryPort(
      { store, publicUrl: 'https://mcp.example', ttlS: 600, viewTtlS: 86_400, now: Date.now },
      'g-1',
    );
  }

  it('passwordSecret: uses the existing secret, generates and stores nothing; a missing one creates nothing', async () => {
    const osc = world();
    const mcp = inMemoryMcp(osc);
    const missing = await mcp.call('create_database', {
      serviceId: 'birme-osc-postgresql',
      name: 'own1',
      waitSeconds: 5,
      passwordSecret: 'mypw',
    });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/has no secret "mypw"\. Call set_secret/);
    expect(osc.calls.createInstance).toBeUndefined();
    await osc.saveSecret('birme-osc-postgresql', 'mypw', 'typed-by-the-user-only', AbortSignal.timeout(5_000));
    const r = await mcp.call('create_database', {
      serviceId: 'birme-osc-postgresql',
      name: 'own1',
      waitSeconds: 5,
      passwordSecret: 'mypw',
    });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({
      secretName: 'mypw',
      connectionString: 'postgresql://postgres:{{secrets.mypw}}@192.0.2.10:35432/postgres',
    });
    expect([...(osc.secrets.get('birme-osc-postgresql')?.keys() ?? [])]).toEqual(['mypw']);
    expect(osc.instanceOptions('birme-osc-postgresql', 'own1')).toEqual({ PostgresPassword: '{{secrets.mypw}}' });
    expect(textOf(r)).toContain("the user's own secret");
    expect(JSON.stringify(r)).not.toContain('typed-by-the-user-only');
  });

  it('with the secret page configured, the result links the details page; the link holds the secret name only', async () => {
    const osc = world();
    const store = new MemoryTokenStore({ sweepIntervalMs: 0 });
    const r = await inMemoryMcp(osc).call(
      'create_database',
      { serviceId: 'birme-osc-postgresql', name: 'db9', waitSeconds: 5 },
      { secretEntry: await port(store) },
    );
    const { detailsUrl } = r.structuredContent as { detailsUrl: string };
    expect(detailsUrl).toMatch(/^https:\/\/mcp\.example\/secrets\/connection\/[A-Za-z0-9_-]{43}$/);
    expect(textOf(r)).toContain(detailsUrl);
    const view = await findConnectionView(store, detailsUrl.split('/').at(-1)!, Date.now());
    expect(view?.record).toMatchObject({
      grantId: 'g-1',
      userId: 'alice',
      serviceId: 'birme-osc-postgresql',
      name: 'db9',
      secretName: 'db9-password',
      template: { scheme: 'postgresql', user: 'postgres', path: '/postgres', port: 5432 },
    });
    const password = osc.secrets.get('birme-osc-postgresql')?.get('db9-password') ?? '';
    expect(JSON.stringify(view)).not.toContain(password);
  });
});
