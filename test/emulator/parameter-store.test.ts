/**
 * The parameter store: created on the deploy host, run as a Valkey and an
 * eyevinn-app-config-svc instance, its `/api/v1/config` served on the store's own host
 * (Eyevinn/app-config-svc wire format). Instances are read with the unmodified
 * @osaas/client-core 0.20.0; the config API over fetch as the Terraform provider calls it.
 */
import { Context, getInstance, getInstanceHealth, listInstances } from '@osaas/client-core';
import { describe, expect, it } from 'vitest';
import { globMatch } from '../../src/emulator/config-api.js';
import { useSdkEmulator } from './sdk-setup.js';

const w = useSdkEmulator({ instanceStartMs: 60_000 });
const stores = 'https://deploy.svc.emu.osaas.io/parameter-stores';
const json = { 'content-type': 'application/json' };
const patH = () => ({ 'x-pat-jwt': `Bearer ${w.pat}`, ...json });

async function createStore(name: string) {
  const res = await fetch(stores, { method: 'POST', headers: patH(), body: JSON.stringify({ name }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A running store: its base URL, a SAT for the config service and the API key. */
async function runningStore(name = 'cfg') {
  const created = await createStore(name);
  const sat = await w.ctx.getServiceAccessToken('eyevinn-app-config-svc');
  const inst = await getInstance(w.ctx, 'eyevinn-app-config-svc', name, sat);
  await w.emu.control.advanceClock(61);
  return { base: `${inst.url}/api/v1/config`, sat, apiKey: created.body.configApiKey as string };
}

describe('parameter stores on the deploy host', () => {
  it('creates a Valkey-backed config service instance and reports its API key', async () => {
    const created = await createStore('cfg');
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      name: 'cfg',
      isSecure: true,
      configApiKey: expect.stringMatching(/^[0-9a-f]{48}$/),
    });
    expect(await w.emu.control.canaries()).toContain(created.body.configApiKey);

    const sat = await w.ctx.getServiceAccessToken('eyevinn-app-config-svc');
    const [doc] = await listInstances(w.ctx, 'eyevinn-app-config-svc', sat);
    expect(doc).toMatchObject({
      name: 'cfg',
      url: 'https://alice-team-cfg.eyevinn-app-config-svc.auto.emu.osaas.io',
      RedisUrl: 'redis://valkey-io-valkey-cfg.alice-team.svc.cluster.local:6379',
      ConfigApiKey: created.body.configApiKey,
    });
    expect(doc._links.restart).toBeUndefined();
    const kv = await w.ctx.getServiceAccessToken('valkey-io-valkey');
    expect((await listInstances(w.ctx, 'valkey-io-valkey', kv)).map((i: { name: string }) => i.name)).toEqual(['cfg']);
    expect(await getInstanceHealth(w.ctx, 'eyevinn-app-config-svc', 'cfg', sat)).toBe('starting');

    expect((await createStore('cfg')).status).toBe(409);
    expect((await createStore('Bad-Name')).status).toBe(400);
    const got = await fetch(`${stores}/cfg`, { headers: patH() });
    expect(await got.json()).toEqual({ name: 'cfg', isSecure: true, configApiKey: created.body.configApiKey });
    const any = await fetch(`${stores}/nosuch`, { headers: patH() });
    expect(await any.json()).toEqual({ name: 'nosuch', isSecure: false });
  });

  it('deletes the store and its Valkey; the store host then answers 404', async () => {
    const { base, sat } = await runningStore();
    expect((await fetch(`${stores}/cfg`, { method: 'DELETE', headers: patH() })).status).toBe(204);
    expect((await fetch(`${stores}/cfg`, { method: 'DELETE', headers: patH() })).status).toBe(404);
    expect(await listInstances(w.ctx, 'eyevinn-app-config-svc', sat)).toEqual([]);
    const gone = await fetch(base, { headers: { 'x-jwt': `Bearer ${sat}` } });
    expect(gone.status).toBe(404);
  });
});

describe('the config API on the store host', () => {
  it("answers 503 until the store runs, and 401 without the tenant's config-service SAT", async () => {
    await createStore('cfg');
    const sat = await w.ctx.getServiceAccessToken('eyevinn-app-config-svc');
    const base = 'https://alice-team-cfg.eyevinn-app-config-svc.auto.emu.osaas.io/api/v1/config';
    const early = await fetch(base, { headers: { 'x-jwt': `Bearer ${sat}` } });
    expect(early.status).toBe(503);
    await w.emu.control.advanceClock(61);
    expect((await fetch(base)).status).toBe(401);
    const valkeySat = await w.ctx.getServiceAccessToken('valkey-io-valkey');
    expect((await fetch(base, { headers: { 'x-jwt': `Bearer ${valkeySat}` } })).status).toBe(401);
    const bob = new Context({
      personalAccessToken: (await w.emu.control.mint('bob')).access_token,
      environment: 'emu',
    });
    const bobSat = await bob.getServiceAccessToken('eyevinn-app-config-svc');
    const foreign = await fetch(base, { headers: { 'x-jwt': `Bearer ${bobSat}` } });
    expect(foreign.status).toBe(401);
    expect(await foreign.text()).toBe('<html>401 Authorization Required</html>');
    expect((await fetch(base, { headers: { 'x-jwt': `Bearer ${sat}` } })).status).toBe(200);
  });

  it('sets, reads, updates and deletes plain and secret values as app-config-svc does', async () => {
    const { base, sat, apiKey } = await runningStore();
    const h = { 'x-jwt': `Bearer ${sat}`, ...json };
    const call = async (method: string, url: string, body?: unknown, extra: Record<string, string> = {}) => {
      const res = await fetch(url, {
        method,
        headers: { ...h, ...extra },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const type = res.headers.get('content-type') ?? '';
      return { status: res.status, body: type.includes('json') ? await res.json() : await res.text() };
    };
    expect(await call('POST', base, { key: 'NODE_ENV', value: 'production' })).toEqual({
      status: 200,
      body: { key: 'NODE_ENV', value: 'production' },
    });
    expect(await call('POST', base, { key: 'DB_PASS', value: 'CANARY-param', secret: true })).toEqual({
      status: 200,
      body: { key: 'DB_PASS', value: '***', secret: true },
    });
    expect(await w.emu.control.canaries()).toContain('CANARY-param');

    expect(await call('GET', `${base}/DB_PASS`)).toEqual({
      status: 200,
      body: { key: 'DB_PASS', value: '***', secret: true },
    });
    expect(await call('GET', `${base}/DB_PASS`, undefined, { 'x-config-api-key': apiKey })).toEqual({
      status: 200,
      body: { key: 'DB_PASS', value: 'CANARY-param', secret: true },
    });
    expect(await call('GET', `${base}/DB_PASS`, undefined, { 'x-config-api-key': 'wrong' })).toMatchObject({
      body: { value: '***' },
    });
    expect(await call('GET', `${base}/NODE_ENV`, undefined, { accept: 'text/plain' })).toEqual({
      status: 200,
      body: 'production',
    });

    const list = await call('GET', base);
    expect(list).toEqual({
      status: 200,
      body: {
        offset: 0,
        limit: 20,
        total: 2,
        items: [
          { key: 'NODE_ENV', value: 'production' },
          { key: 'DB_PASS', value: '***', secret: true },
        ],
      },
    });
    expect(JSON.stringify(list)).not.toContain('CANARY');
    const plain = await call('GET', base, undefined, { 'x-config-api-key': apiKey });
    expect(JSON.stringify(plain)).toContain('CANARY-param');

    expect(await call('PUT', `${base}/NODE_ENV`, { value: 'staging' })).toEqual({
      status: 200,
      body: { key: 'NODE_ENV', value: 'staging' },
    });
    expect(await call('PUT', `${base}/DB_PASS`, { value: 'x', secret: false })).toEqual({
      status: 400,
      body: { reason: 'Cannot convert a secret parameter to non-secret' },
    });
    expect(await call('PUT', `${base}/DB_PASS`, { value: 'CANARY-param-2' })).toEqual({
      status: 200,
      body: { key: 'DB_PASS', value: '***', secret: true },
    });
    expect(await call('PUT', `${base}/NOPE`, { value: 'x' })).toEqual({
      status: 404,
      body: { reason: "Resource with id 'NOPE' not found" },
    });
    expect(await call('DELETE', `${base}/NODE_ENV`)).toEqual({ status: 200, body: { message: 'Deleted' } });
    expect(await call('DELETE', `${base}/NODE_ENV`)).toEqual({
      status: 404,
      body: { reason: "Resource with id 'NODE_ENV' not found" },
    });
    expect(await call('GET', `${base}/NODE_ENV`)).toMatchObject({ status: 404 });
  });

  it('pages like a SCAN cursor, filters with a glob, and answers schema errors as Fastify does', async () => {
    const { base, sat } = await runningStore();
    const h = { 'x-jwt': `Bearer ${sat}`, ...json };
    for (const k of ['APP_A', 'APP_B', 'APP_C', 'OTHER'])
      await fetch(base, { method: 'POST', headers: h, body: JSON.stringify({ key: k, value: k.toLowerCase() }) });
    const page1 = (await (await fetch(`${base}?limit=3`, { headers: h })).json()) as {
      offset: number;
      items: unknown[];
      total: number;
    };
    expect(page1).toMatchObject({ offset: 3, limit: 3, total: 4 });
    expect(page1.items).toHaveLength(3);
    const page2 = (await (await fetch(`${base}?limit=3&offset=3`, { headers: h })).json()) as {
      offset: number;
      items: unknown[];
    };
    expect(page2).toMatchObject({ offset: 0, items: [{ key: 'OTHER', value: 'other' }] });
    const matched = (await (await fetch(`${base}?match=APP_*`, { headers: h })).json()) as {
      items: Array<{ key: string }>;
    };
    expect(matched.items.map((i) => i.key)).toEqual(['APP_A', 'APP_B', 'APP_C']);

    const tooMany = await fetch(`${base}?limit=101`, { headers: h });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ statusCode: 400, code: 'FST_ERR_VALIDATION', error: 'Bad Request' });
    const noKey = await fetch(base, { method: 'POST', headers: h, body: JSON.stringify({ value: 'x' }) });
    expect(await noKey.json()).toEqual({
      statusCode: 400,
      code: 'FST_ERR_VALIDATION',
      error: 'Bad Request',
      message: "body must have required property 'key'",
    });
    const big = await fetch(base, {
      method: 'POST',
      headers: h,
      body: JSON.stringify({ key: 'BIG', value: 'x'.repeat(65_537) }),
    });
    expect(big.status).toBe(400);
    const longKey = await fetch(base, {
      method: 'POST',
      headers: h,
      body: JSON.stringify({ key: 'K'.repeat(257), value: 'x' }),
    });
    expect(longKey.status).toBe(400);
    const route = await fetch(`${base.replace('/config', '/nothing')}`, { headers: h });
    expect(await route.json()).toEqual({
      message: 'Route GET:/api/v1/nothing not found',
      error: 'Not Found',
      statusCode: 404,
    });
  });

  it('refuses secret values in a store started without an encryption key', async () => {
    const sat = await w.ctx.getServiceAccessToken('eyevinn-app-config-svc');
    const res = await fetch('https://api-eyevinn-app-config-svc.auto.emu.osaas.io/app-config-svcinstance', {
      method: 'POST',
      headers: { 'x-jwt': `Bearer ${sat}`, ...json },
      body: JSON.stringify({ name: 'bare', RedisUrl: 'redis://x:6379' }),
    });
    expect(res.status).toBe(200);
    await w.emu.control.advanceClock(61);
    const base = 'https://alice-team-bare.eyevinn-app-config-svc.auto.emu.osaas.io/api/v1/config';
    const secret = await fetch(base, {
      method: 'POST',
      headers: { 'x-jwt': `Bearer ${sat}`, ...json },
      body: JSON.stringify({ key: 'S', value: 'v', secret: true }),
    });
    expect(await secret.json()).toEqual({
      reason: 'Encryption not configured: PARAMETER_ENCRYPTION_KEY is required for secret parameters',
    });
  });
});

describe('globMatch', () => {
  it('matches * anywhere and nothing else, without backtracking blow-ups', () => {
    expect(globMatch('APP_*', 'APP_X')).toBe(true);
    expect(globMatch('*_X', 'APP_X')).toBe(true);
    expect(globMatch('A*P*X', 'APP_X')).toBe(true);
    expect(globMatch('A*Q', 'APP_X')).toBe(false);
    expect(globMatch('APP.X', 'APP_X')).toBe(false);
    expect(globMatch('', '')).toBe(true);
    const start = Date.now();
    expect(globMatch(`${'*a'.repeat(120)}b`, 'a'.repeat(256))).toBe(false);
    expect(Date.now() - start).toBeLessThan(500);
  });
});
