/**
 * Database services as the catalog has them (ids, nouns, password options flagged
 * sensitive), started with their password as a service-secret reference and reported ready
 * after their start delay (emulator clock), through the unmodified @osaas/client-core 0.20.0
 * (`waitForInstanceReady` polls health once a second).
 */
import {
  createInstance,
  getInstanceHealth,
  listSubscriptions,
  saveSecret,
  waitForInstanceReady,
} from '@osaas/client-core';
import { describe, expect, it } from 'vitest';
import { useSdkEmulator } from './sdk-setup.js';

const w = useSdkEmulator({ instanceStartMs: 60_000 });

const DATABASES = [
  { sid: 'birme-osc-postgresql', noun: 'osc-postgresql', password: 'PostgresPassword', port: 5432 },
  { sid: 'linuxserver-docker-mariadb', noun: 'docker-mariadb', password: 'RootPassword', port: 3306 },
  { sid: 'valkey-io-valkey', noun: 'valkey', password: 'Password', port: 6379 },
  { sid: 'apache-couchdb', noun: 'couchdb', password: 'AdminPassword', port: 5984 },
] as const;

describe('database services', () => {
  it('are in the catalog with their password options flagged sensitive', async () => {
    for (const db of DATABASES) await w.ctx.activateService(db.sid);
    const subs = (await listSubscriptions(w.ctx)) as unknown as Array<{
      serviceId: string;
      apiUrl: string;
      serviceMetadata: { category: string };
      serviceInstanceOptions: Array<{ name: string; sensitive?: boolean }>;
    }>;
    for (const db of DATABASES) {
      const rec = subs.find((s) => s.serviceId === db.sid);
      expect(rec?.apiUrl).toBe(`https://api-${db.sid}.auto.emu.osaas.io/${db.noun}instance`);
      expect(rec?.serviceMetadata.category).toBe('database');
      expect(rec?.serviceInstanceOptions.find((o) => o.name === db.password)?.sensitive).toBe(true);
    }
  });

  it('start with a secret-reference password and report ready after the start delay', async () => {
    await w.knob('/config', { serviceStartMs: { 'birme-osc-postgresql': 120_000 } });
    for (const db of DATABASES) {
      await saveSecret(db.sid, 'dbpw', `CANARY-${db.sid}`, w.ctx);
      const sat = await w.ctx.getServiceAccessToken(db.sid);
      const doc = await createInstance(w.ctx, db.sid, sat, { name: 'data', [db.password]: '{{secrets.dbpw}}' });
      expect(doc[db.password]).toBe('{{secrets.dbpw}}');
      expect(await getInstanceHealth(w.ctx, db.sid, 'data', sat)).toBe('starting');
    }
    const pgSat = await w.ctx.getServiceAccessToken('birme-osc-postgresql');
    // Still starting after the others' minute: it has its own, longer delay. The SDK's wait
    // (health once a second) ends once the emulator clock passes it.
    await w.emu.control.advanceClock(61);
    expect(await getInstanceHealth(w.ctx, 'birme-osc-postgresql', 'data', pgSat)).toBe('starting');
    let ready = false;
    const waiting = waitForInstanceReady('birme-osc-postgresql', 'data', w.ctx).then(() => {
      ready = true;
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(ready).toBe(false);
    await w.emu.control.advanceClock(60);
    await waiting;
    expect(await getInstanceHealth(w.ctx, 'birme-osc-postgresql', 'data', pgSat)).toBe('running');
    for (const db of DATABASES) {
      expect(await getInstanceHealth(w.ctx, db.sid, 'data', await w.ctx.getServiceAccessToken(db.sid))).toBe('running');
      const check = await fetch(`${w.emu.url}/__emulator/instance/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          tenantId: 'alice-team',
          serviceId: db.sid,
          name: 'data',
          option: db.password,
          value: `CANARY-${db.sid}`,
        }),
      });
      expect(await check.json()).toEqual({ matches: true, failure: null });
      const ie = await fetch(`https://api-${db.sid}.auto.emu.osaas.io/internal-endpoint/data`, {
        headers: { 'x-jwt': `Bearer ${await w.ctx.getServiceAccessToken(db.sid)}` },
      });
      expect(((await ie.json()) as { ports: Array<{ port: number }> }).ports[0]?.port).toBe(db.port);
    }
  });
});
