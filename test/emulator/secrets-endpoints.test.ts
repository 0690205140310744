/**
 * Service secrets, secret resolution at start, ports, internal endpoints and PATCH, through
 * the unmodified @osaas/client-core 0.20.0 where it has the function (saveSecret,
 * getPortsForInstance, createInstance, getInstanceHealth, getLogsForInstance,
 * restartInstance) and otherwise over fetch the way client-ts 0.24 does it (PATCH on
 * `_links.self`, GET on `_links.internalEndpoint`; CLI requests for list/update/delete).
 */
import {
  createInstance,
  getInstance,
  getInstanceHealth,
  getLogsForInstance,
  getPortsForInstance,
  restartInstance,
  saveSecret,
} from '@osaas/client-core';
import { describe, expect, it } from 'vitest';
import { useSdkEmulator } from './sdk-setup.js';

const w = useSdkEmulator({ instanceStartMs: 60_000 });
const deploy = 'https://deploy.svc.emu.osaas.io';
const api = (sid: string) => `https://api-${sid}.auto.emu.osaas.io`;
const json = { 'content-type': 'application/json' };

const patH = () => ({ 'x-pat-jwt': `Bearer ${w.pat}`, ...json });
const check = (serviceId: string, name: string, option: string, value: string) =>
  w.knob('/instance/check', { tenantId: 'alice-team', serviceId, name, option, value });

describe('service secrets on the deploy host', () => {
  it('stores with the SDK, lists names only, updates and deletes as the CLI does, per tenant', async () => {
    await saveSecret('birme-osc-postgresql', 'pgpw', 'CANARY-pg-1', w.ctx);
    const list = await fetch(`${deploy}/mysecrets/birme-osc-postgresql`, { headers: patH() });
    const text = await list.text();
    expect(JSON.parse(text)).toEqual([{ serviceId: 'birme-osc-postgresql', secretName: 'pgpw' }]);
    expect(text).not.toContain('CANARY');
    const put = await fetch(`${deploy}/mysecrets/birme-osc-postgresql/pgpw`, {
      method: 'PUT',
      headers: patH(),
      body: JSON.stringify({ secretData: 'CANARY-pg-2' }),
    });
    expect(await put.json()).toEqual({ serviceId: 'birme-osc-postgresql', secretName: 'pgpw' });
    // Every stored value is a canary for leak scans.
    expect(await w.emu.control.canaries()).toEqual(expect.arrayContaining(['CANARY-pg-1', 'CANARY-pg-2']));

    const bobPat = (await w.emu.control.mint('bob')).access_token;
    const bobList = await fetch(`${deploy}/mysecrets/birme-osc-postgresql`, {
      headers: { 'x-pat-jwt': `Bearer ${bobPat}` },
    });
    expect(await bobList.json()).toEqual([]);
    const bobDel = await fetch(`${deploy}/mysecrets/birme-osc-postgresql/pgpw`, {
      method: 'DELETE',
      headers: { 'x-pat-jwt': `Bearer ${bobPat}` },
    });
    expect(bobDel.status).toBe(404);

    expect(
      (await fetch(`${deploy}/mysecrets/birme-osc-postgresql/pgpw`, { method: 'DELETE', headers: patH() })).status,
    ).toBe(204);
    expect(await (await fetch(`${deploy}/mysecrets/birme-osc-postgresql`, { headers: patH() })).json()).toEqual([]);
  });

  it('bounds names, values and service ids with 400 {reason}', async () => {
    const post = (sid: string, body: unknown) =>
      fetch(`${deploy}/mysecrets/${sid}`, { method: 'POST', headers: patH(), body: JSON.stringify(body) });
    for (const [sid, body] of [
      ['minio-minio', { secretName: 'a b', secretData: 'x' }],
      ['minio-minio', { secretName: 'x'.repeat(65), secretData: 'x' }],
      ['minio-minio', { secretName: 'ok', secretData: 'x'.repeat(65_537) }],
      ['minio-minio', { secretName: 'ok' }],
      ['Bad_Service', { secretName: 'ok', secretData: 'x' }],
    ] as const) {
      const res = await post(sid, body);
      expect(res.status).toBe(400);
      expect(await res.json()).toHaveProperty('reason');
    }
    const saved = await saveSecret('minio-minio', 'x', 'v', w.ctx).catch((e: unknown) => e);
    expect(saved).toBeUndefined();
    const again = await saveSecret('minio-minio', 'x', 'v', w.ctx).catch((e: unknown) => e);
    expect(again).toMatchObject({ httpCode: 409, message: 'Secret x already exists' });
  });
});

describe('secret resolution when an instance starts', () => {
  it('runs with a reference that resolves; the document keeps the reference', async () => {
    await saveSecret('birme-osc-postgresql', 'pgpw', 'CANARY-db-pass', w.ctx);
    const sat = await w.ctx.getServiceAccessToken('birme-osc-postgresql');
    const created = await createInstance(w.ctx, 'birme-osc-postgresql', sat, {
      name: 'db',
      PostgresPassword: '{{secrets.pgpw}}',
    });
    expect(created.PostgresPassword).toBe('{{secrets.pgpw}}');
    expect(JSON.stringify(created)).not.toContain('CANARY');
    expect(await getInstanceHealth(w.ctx, 'birme-osc-postgresql', 'db', sat)).toBe('starting');
    await w.emu.control.advanceClock(61);
    expect(await getInstanceHealth(w.ctx, 'birme-osc-postgresql', 'db', sat)).toBe('running');
    expect(await check('birme-osc-postgresql', 'db', 'PostgresPassword', 'CANARY-db-pass')).toEqual({
      matches: true,
      failure: null,
    });
    expect(await check('birme-osc-postgresql', 'db', 'PostgresPassword', 'wrong')).toMatchObject({ matches: false });
  });

  it('fails the start visibly when a referenced secret is missing, and recovers on restart once it exists', async () => {
    const sat = await w.ctx.getServiceAccessToken('valkey-io-valkey');
    await createInstance(w.ctx, 'valkey-io-valkey', sat, { name: 'cache', Password: '{{secrets.nosuch}}' });
    expect(await getInstanceHealth(w.ctx, 'valkey-io-valkey', 'cache', sat)).toBe('starting');
    await w.emu.control.advanceClock(61);
    expect(await getInstanceHealth(w.ctx, 'valkey-io-valkey', 'cache', sat)).toBe('failed');
    expect((await getInstance(w.ctx, 'valkey-io-valkey', 'cache', sat)).status).toBe('failed');
    const logs = await getLogsForInstance(w.ctx, 'valkey-io-valkey', 'cache', sat);
    expect(logs).toContain('secret "nosuch" not found in the service secrets of valkey-io-valkey');

    // A secret of the same name for another service does not count.
    await saveSecret('minio-minio', 'nosuch', 'x', w.ctx);
    await restartInstance(w.ctx, 'valkey-io-valkey', 'cache', sat);
    await w.emu.control.advanceClock(61);
    expect(await getInstanceHealth(w.ctx, 'valkey-io-valkey', 'cache', sat)).toBe('failed');

    await saveSecret('valkey-io-valkey', 'nosuch', 'now-here', w.ctx);
    await restartInstance(w.ctx, 'valkey-io-valkey', 'cache', sat);
    expect(await getInstanceHealth(w.ctx, 'valkey-io-valkey', 'cache', sat)).toBe('starting');
    await w.emu.control.advanceClock(61);
    expect(await getInstanceHealth(w.ctx, 'valkey-io-valkey', 'cache', sat)).toBe('running');
  });

  it('takes a start delay per service from the serviceStartMs knob', async () => {
    await w.knob('/config', { serviceStartMs: { 'birme-osc-postgresql': 300_000 } });
    const sat = await w.ctx.getServiceAccessToken('birme-osc-postgresql');
    await createInstance(w.ctx, 'birme-osc-postgresql', sat, { name: 'slow', PostgresPassword: 'p' });
    await w.emu.control.advanceClock(100);
    expect(await getInstanceHealth(w.ctx, 'birme-osc-postgresql', 'slow', sat)).toBe('starting');
    await w.emu.control.advanceClock(201);
    expect(await getInstanceHealth(w.ctx, 'birme-osc-postgresql', 'slow', sat)).toBe('running');
  });
});

describe('ports and internal endpoints', () => {
  it('exposes the database TCP ports through the SDK, none for HTTP services, none when access is off', async () => {
    for (const [sid, body, port] of [
      ['valkey-io-valkey', { name: 'kv' }, 6379],
      ['birme-osc-postgresql', { name: 'pg', PostgresPassword: 'p' }, 5432],
      ['linuxserver-docker-mariadb', { name: 'maria', RootPassword: 'p' }, 3306],
    ] as const) {
      const sat = await w.ctx.getServiceAccessToken(sid);
      await createInstance(w.ctx, sid, sat, body);
      const ports = await getPortsForInstance(w.ctx, sid, body.name, sat);
      expect(ports).toEqual([
        {
          externalIp: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/),
          externalPort: expect.any(Number),
          internalPort: port,
        },
      ]);
    }
    const couch = await w.ctx.getServiceAccessToken('apache-couchdb');
    await createInstance(w.ctx, 'apache-couchdb', couch, { name: 'docs', AdminPassword: 'p' });
    expect(await getPortsForInstance(w.ctx, 'apache-couchdb', 'docs', couch)).toEqual([]);

    await w.knob('/instance', {
      tenantId: 'alice-team',
      serviceId: 'valkey-io-valkey',
      name: 'kv',
      publicAccess: false,
    });
    const kvSat = await w.ctx.getServiceAccessToken('valkey-io-valkey');
    expect(await getPortsForInstance(w.ctx, 'valkey-io-valkey', 'kv', kvSat)).toEqual([]);
  });

  it('serves the internal endpoint on the link the document gives', async () => {
    const sat = await w.ctx.getServiceAccessToken('birme-osc-postgresql');
    const doc = await createInstance(w.ctx, 'birme-osc-postgresql', sat, { name: 'pg', PostgresPassword: 'p' });
    expect(doc._links).toEqual({
      self: { href: '/osc-postgresqlinstance/pg' },
      logs: { href: '/logs/pg' },
      health: { href: '/health/pg' },
      ports: { href: '/ports/pg' },
      restart: { href: '/restart/pg' },
      internalEndpoint: { href: '/internal-endpoint/pg' },
    });
    const res = await fetch(`${api('birme-osc-postgresql')}${doc._links.internalEndpoint.href}`, {
      headers: { 'x-jwt': `Bearer ${sat}` },
    });
    expect(await res.json()).toEqual({
      serviceDns: 'birme-osc-postgresql-pg.alice-team.svc.cluster.local',
      ports: [{ name: 'postgres', port: 5432, protocol: 'TCP' }],
      publicAccess: true,
    });
    const missing = await fetch(`${api('birme-osc-postgresql')}/internal-endpoint/nope`, {
      headers: { 'x-jwt': `Bearer ${sat}` },
    });
    expect(missing.status).toBe(404);
    const noSat = await fetch(`${api('birme-osc-postgresql')}/internal-endpoint/pg`);
    expect(noSat.status).toBe(401);
  });
});

describe('PATCH on the instance link', () => {
  const patch = (sid: string, href: string, sat: string, body: unknown) =>
    fetch(`${api(sid)}${href}`, {
      method: 'PATCH',
      headers: { 'x-jwt': `Bearer ${sat}`, ...json },
      body: JSON.stringify(body),
    });

  it('updates options, restarts the instance, and resolves new references at that start', async () => {
    const sat = await w.ctx.getServiceAccessToken('valkey-io-valkey');
    const doc = await createInstance(w.ctx, 'valkey-io-valkey', sat, { name: 'kv', Password: 'old' });
    await w.emu.control.advanceClock(61);
    await saveSecret('valkey-io-valkey', 'kvpw', 'CANARY-kv', w.ctx);
    const res = await patch('valkey-io-valkey', doc._links.self.href, sat, { Password: '{{secrets.kvpw}}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'kv', Password: '{{secrets.kvpw}}', status: 'starting' });
    expect(await check('valkey-io-valkey', 'kv', 'Password', 'CANARY-kv')).toMatchObject({ matches: true });
    expect(await getLogsForInstance(w.ctx, 'valkey-io-valkey', 'kv', sat)).toContain('Updated configuration of kv');
    const rename = await patch('valkey-io-valkey', doc._links.self.href, sat, { name: 'other' });
    expect(rename.status).toBe(400);
    expect((await patch('valkey-io-valkey', '/valkeyinstance/nope', sat, {})).status).toBe(404);
  });

  it("answers Fastify's route-not-found for services without updates, leaving the instance as it was", async () => {
    const sat = await w.ctx.getServiceAccessToken('eyevinn-auto-subtitles');
    await createInstance(w.ctx, 'eyevinn-auto-subtitles', sat, { name: 'subs', openaikey: 'sk-1' });
    const res = await patch('eyevinn-auto-subtitles', '/auto-subtitlesinstance/subs', sat, { openaikey: 'sk-2' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      message: 'Route PATCH:/auto-subtitlesinstance/subs not found',
      error: 'Not Found',
      statusCode: 404,
    });
    expect((await getInstance(w.ctx, 'eyevinn-auto-subtitles', 'subs', sat)).openaikey).toBe('sk-1');
  });
});
