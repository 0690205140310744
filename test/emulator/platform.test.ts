/**
 * Platform hosts over fetch through the redirect (src/emulator/README.md, "Hosts"): PAT auth answers,
 * catalog, SAT, billing, money, deploy, Host routing. Environment label `emu`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installEmulatorRedirect } from '../../src/osc/emulator-redirect.js';
import { jwtClaims, startTestEmulator, type TestEmulator } from '../support/emulator.js';

let emu: TestEmulator;
const svc = (name: string) => `https://${name}.svc.emu.osaas.io`;
const api = (sid: string) => `https://api-${sid}.auto.emu.osaas.io`;

beforeAll(async () => {
  emu = await startTestEmulator();
  installEmulatorRedirect(emu.url);
});
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

const pat = async (user = 'alice') => (await emu.control.mint(user)).access_token;
const patHeaders = (p: string) => ({ 'x-pat-jwt': `Bearer ${p}`, 'content-type': 'application/json' });

async function sat(p: string, serviceId: string): Promise<string> {
  const res = await fetch(`${svc('token')}/servicetoken`, {
    method: 'POST',
    headers: patHeaders(p),
    body: JSON.stringify({ serviceId }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

function create(s: string, sid: string, noun: string, body: Record<string, unknown>) {
  return fetch(`${api(sid)}/${noun}instance`, {
    method: 'POST',
    headers: { 'x-jwt': `Bearer ${s}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('PAT authentication on platform hosts', () => {
  it('answers 401 JSON for a missing, forged, expired or revoked PAT', async () => {
    const url = `${svc('catalog')}/mysubscriptions`;
    const missing = await fetch(url);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: 'missing authorization header' });
    const forged = await fetch(url, { headers: { 'x-pat-jwt': 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.AAAA' } });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toContain('application/json');

    const p = await pat();
    expect((await fetch(url, { headers: patHeaders(p) })).status).toBe(200);
    await emu.control.advanceClock(3601);
    expect((await fetch(url, { headers: patHeaders(p) })).status).toBe(401);
    await emu.control.setClockOffset(0);
    await emu.control.revokeUser('alice');
    expect((await fetch(url, { headers: patHeaders(p) })).status).toBe(401);
  });

  it('does not take the PAT in Authorization on the platform, and never opens /service to a PAT', async () => {
    const p = await pat();
    expect(
      (await fetch(`${svc('catalog')}/mysubscriptions`, { headers: { authorization: `Bearer ${p}` } })).status,
    ).toBe(401);
    const res = await fetch(`${svc('catalog')}/service/minio-minio`, { headers: { authorization: `Bearer ${p}` } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid authorization header' });
  });

  it('answers a malformed header with the reported 500, not a crash', async () => {
    const res = await fetch(`${svc('catalog')}/mysubscriptions`, { headers: { 'x-pat-jwt': 'Token abc' } });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ code: 'FST_ERR_FAILED_ERROR_SERIALIZATION' });
  });
});

describe('catalog and token services', () => {
  it('subscribes and unsubscribes', async () => {
    const p = await pat('bob');
    const add = await fetch(`${svc('catalog')}/mysubscriptions`, {
      method: 'POST',
      headers: patHeaders(p),
      body: JSON.stringify({ services: ['apache-couchdb'] }),
    });
    expect(add.status).toBe(200);
    expect((await emu.control.tenant('bob-lab')).subscriptions).toContain('apache-couchdb');
    const del = await fetch(`${svc('catalog')}/mysubscriptions/apache-couchdb`, {
      method: 'DELETE',
      headers: patHeaders(p),
    });
    expect(del.status).toBe(200);
    expect((await emu.control.tenant('bob-lab')).subscriptions).not.toContain('apache-couchdb');
    const unknown = await fetch(`${svc('catalog')}/mysubscriptions`, {
      method: 'POST',
      headers: patHeaders(p),
      body: JSON.stringify({ services: ['no-such'] }),
    });
    expect(unknown.status).toBe(404);
    const bad = await fetch(`${svc('catalog')}/mysubscriptions`, { method: 'POST', headers: patHeaders(p), body: '{' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toHaveProperty('reason');
  });

  it('issues SATs bound to tenant and service with an expiry in unix seconds', async () => {
    const p = await pat('carol');
    const res = await fetch(`${svc('token')}/servicetoken`, {
      method: 'POST',
      headers: patHeaders(p),
      body: JSON.stringify({ serviceId: 'apache-couchdb' }),
    });
    const body = (await res.json()) as { serviceId: string; token: string; expiry: number };
    expect(body.serviceId).toBe('apache-couchdb');
    expect(body.expiry - Math.floor(Date.now() / 1000)).toBeGreaterThan(3590);
    expect(jwtClaims(body.token)).toMatchObject({ tenantId: 'carol-media', serviceId: 'apache-couchdb' });
    const unknown = await fetch(`${svc('token')}/servicetoken`, {
      method: 'POST',
      headers: patHeaders(p),
      body: JSON.stringify({ serviceId: 'nope' }),
    });
    expect(unknown.status).toBe(404);
  });

  it('answers the HTML 401 for a missing, expired or foreign SAT, with either header', async () => {
    const s = await sat(await pat(), 'minio-minio');
    const list = `${api('minio-minio')}/minioinstance`;
    expect((await fetch(list, { headers: { authorization: `Bearer ${s}` } })).status).toBe(200);
    const none = await fetch(list);
    expect(none.status).toBe(401);
    expect(await none.text()).toBe('<html>401 Authorization Required</html>');
    expect(none.headers.get('content-type')).toContain('text/html');
    expect(
      (await fetch(`${api('apache-couchdb')}/couchdbinstance`, { headers: { 'x-jwt': `Bearer ${s}` } })).status,
    ).toBe(401);
    await emu.control.advanceClock(3601);
    expect((await fetch(list, { headers: { 'x-jwt': `Bearer ${s}` } })).status).toBe(401);
  });

  it('serves the orchestrator root without auth and 404s a wrong collection', async () => {
    const root = await fetch(`${api('minio-minio')}/`);
    expect(await root.json()).toMatchObject({ status: 'ok', environment: 'emu' });
    const s = await sat(await pat(), 'minio-minio');
    expect((await fetch(`${api('minio-minio')}/valkeyinstance`, { headers: { 'x-jwt': `Bearer ${s}` } })).status).toBe(
      404,
    );
  });
});

describe('instances: validation and billing', () => {
  it('validates names, mandatory options and regexes with 400 {reason}', async () => {
    const p = await pat();
    const pg = await sat(p, 'birme-osc-postgresql');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'Bad-Name', PostgresPassword: 'x' }, 'Invalid name'],
      [{ name: 'db' }, 'Missing mandatory option: PostgresPassword'],
    ];
    for (const [body, reason] of cases) {
      const res = await create(pg, 'birme-osc-postgresql', 'osc-postgresql', body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { reason: string }).reason).toContain(reason);
    }
    const im = await sat(p, 'eyevinn-intercom-manager');
    const regex = await create(im, 'eyevinn-intercom-manager', 'intercom-manager', {
      name: 'ic',
      smbServerBaseUrl: 'ftp://x',
      dbConnectionString: 'c',
    });
    expect(((await regex.json()) as { reason: string }).reason).toContain('does not match');
    const ok = await create(pg, 'birme-osc-postgresql', 'osc-postgresql', {
      name: 'db',
      PostgresPassword: 'secret',
      Unknown: 'dropped',
    });
    const doc = (await ok.json()) as Record<string, unknown>;
    expect(doc).toMatchObject({ PostgresPassword: 'secret' });
    expect(doc).not.toHaveProperty('Unknown');
  });

  it('updates options with PATCH, validating them', async () => {
    const s = await sat(await pat(), 'minio-minio');
    await create(s, 'minio-minio', 'minio', { name: 'b', RootUser: 'u', RootPassword: 'p1' });
    const patch = (body: unknown) =>
      fetch(`${api('minio-minio')}/minioinstance/b`, {
        method: 'PATCH',
        headers: { 'x-jwt': `Bearer ${s}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const res = await patch({ RootPassword: 'p2' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ RootUser: 'u', RootPassword: 'p2' });
    expect((await patch([1])).status).toBe(400);
  });

  it('debits tokens per instance and refuses with 403 when the balance runs out', async () => {
    const p = await pat('carol'); // PERSONAL, 40 tokens
    const s = await sat(p, 'eyevinn-auto-subtitles'); // 25 per day
    expect(
      (await create(s, 'eyevinn-auto-subtitles', 'auto-subtitles', { name: 'one', openaikey: 'sk-1' })).status,
    ).toBe(200);
    const money = async () =>
      (await (await fetch(`${svc('money')}/mytokencount`, { headers: patHeaders(p) })).json()) as Record<
        string,
        number
      >;
    expect(await money()).toMatchObject({
      tenantId: 'carol-media',
      tokenCount: 25,
      availableTokens: 40,
      remainingTokens: 15,
    });
    const broke = await create(s, 'eyevinn-auto-subtitles', 'auto-subtitles', { name: 'two', openaikey: 'sk-2' });
    expect(broke.status).toBe(403);
    expect(((await broke.json()) as { reason: string }).reason).toContain('Not enough tokens');
    expect((await money()).remainingTokens).toBe(15);
  });

  it('refuses a FREE plan on a service excluded from FREE', async () => {
    const p = await pat('bob');
    const res = await create(await sat(p, 'eyevinn-auto-subtitles'), 'eyevinn-auto-subtitles', 'auto-subtitles', {
      name: 'x',
      openaikey: 'k',
    });
    expect(res.status).toBe(403);
  });
});

describe('money and deploy', () => {
  it('reports each tenant plan', async () => {
    for (const [user, plan] of [
      ['alice', 'PROFESSIONAL'],
      ['bob', 'FREE'],
      ['carol', 'PERSONAL'],
    ] as const) {
      const res = await fetch(`${svc('money')}/mytenantplan`, { headers: patHeaders(await pat(user)) });
      expect(await res.json()).toMatchObject({ name: plan });
    }
  });

  it('stores secrets without ever returning a value', async () => {
    const p = await pat();
    const base = `${svc('deploy')}/mysecrets/minio-minio`;
    expect(
      (
        await fetch(base, {
          method: 'POST',
          headers: patHeaders(p),
          body: JSON.stringify({ secretName: 'rootpw', secretData: 'TOPSECRET' }),
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await fetch(base, {
          method: 'POST',
          headers: patHeaders(p),
          body: JSON.stringify({ secretName: 'rootpw', secretData: 'x' }),
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await fetch(`${base}/rootpw`, {
          method: 'PUT',
          headers: patHeaders(p),
          body: JSON.stringify({ secretData: 'NEWSECRET' }),
        })
      ).status,
    ).toBe(200);
    const list = await (await fetch(base, { headers: patHeaders(p) })).text();
    expect(JSON.parse(list)).toEqual([{ serviceId: 'minio-minio', secretName: 'rootpw' }]);
    expect(list).not.toContain('SECRET');
    expect((await fetch(`${base}/rootpw`, { method: 'DELETE', headers: patHeaders(p) })).status).toBe(204);
    expect((await fetch(`${base}/rootpw`, { method: 'DELETE', headers: patHeaders(p) })).status).toBe(404);
  });

  it('builds My Apps from building to running', async () => {
    const p = await pat();
    const res = await fetch(`${svc('deploy')}/myapps`, {
      method: 'POST',
      headers: patHeaders(p),
      body: JSON.stringify({ name: 'web', type: 'nodejs', gitHubUrl: 'https://github.com/x/y' }),
    });
    const app = (await res.json()) as { id: string; buildStatus: string };
    expect(app.buildStatus).toBe('building');
    await emu.control.advanceClock(2);
    const got = (await (await fetch(`${svc('deploy')}/myapps/${app.id}`, { headers: patHeaders(p) })).json()) as {
      buildStatus: string;
    };
    expect(got.buildStatus).toBe('running');
    expect(
      (await fetch(`${svc('deploy')}/myapps/${app.id}`, { method: 'DELETE', headers: patHeaders(p) })).status,
    ).toBe(204);
    expect(await (await fetch(`${svc('deploy')}/myapps`, { headers: patHeaders(p) })).json()).toEqual([]);
  });
});

describe('host routing', () => {
  it('treats app.<env>.osaas.io as the OAuth host and counts only platform calls', async () => {
    const md = (await (await fetch('https://app.emu.osaas.io/.well-known/oauth-authorization-server')).json()) as {
      issuer: string;
    };
    expect(md.issuer).toBe('https://app.emu.osaas.io');
    expect((await emu.control.stats()).apiCalls).toBe(0);
    await fetch(`${svc('money')}/mytenantplan`);
    expect((await emu.control.stats()).apiCalls).toBe(1);
    expect((await fetch(`${svc('maker')}/x`)).status).toBe(404);
  });
});
