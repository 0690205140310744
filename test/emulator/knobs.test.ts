/**
 * The `/__emulator` knobs: faults (status, hang, commit, reset, delay, prefix, probability),
 * latency, clock, request log, secrets, reset.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installEmulatorRedirect } from '../../src/osc/emulator-redirect.js';
import { oauthFlow, startTestEmulator, tokenRequest, type TestEmulator } from '../support/emulator.js';
import { until } from '../support/wait.js';

let emu: TestEmulator;
const catalog = 'https://catalog.svc.emu.osaas.io/mysubscriptions';

beforeAll(async () => {
  emu = await startTestEmulator();
  installEmulatorRedirect(emu.url);
});
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

const patHeaders = async (user = 'alice') => ({ 'x-pat-jwt': `Bearer ${(await emu.control.mint(user)).access_token}` });

describe('faults', () => {
  it('answers with the injected status and body for `times` requests, then recovers', async () => {
    const h = await patHeaders();
    await emu.control.failNext('catalog.subscriptions.list', { status: 503, headers: { 'Retry-After': '1' } }, 2);
    for (let i = 0; i < 2; i++) {
      const res = await fetch(catalog, { headers: h });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.json()).toHaveProperty('reason');
    }
    expect((await fetch(catalog, { headers: h })).status).toBe(200);
    expect(await emu.control.calls('catalog.subscriptions.list')).toBe(3);
  });

  it('serves a custom HTML body, and matches route prefixes', async () => {
    const h = await patHeaders();
    await emu.control.failNext('catalog.*', {
      status: 504,
      body: '<html>504 Gateway Time-out</html>',
      contentType: 'text/html',
    });
    const res = await fetch(catalog, { headers: h });
    expect(res.status).toBe(504);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toBe('<html>504 Gateway Time-out</html>');
  });

  it('commit: a refresh that rotated but answered 503 leaves the old refresh token dead', async () => {
    const t = await oauthFlow(emu.url, 'alice');
    await emu.control.failNext('oauth.token.refresh', { status: 503, commit: true });
    const form = { grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: t.client_id };
    const first = await tokenRequest(emu.url, form);
    expect(first).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' } });
    expect((await emu.control.stats()).refreshes).toBe(1);
    expect((await tokenRequest(emu.url, form)).body.error).toBe('invalid_grant');
  });

  it('without commit, a failed refresh leaves the refresh token usable', async () => {
    const t = await oauthFlow(emu.url, 'alice');
    await emu.control.failNext('oauth.token.refresh', { status: 503 });
    const form = { grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: t.client_id };
    expect((await tokenRequest(emu.url, form)).status).toBe(503);
    expect((await tokenRequest(emu.url, form)).status).toBe(200);
  });

  it('commit: a create that answered 504 HTML still created the instance', async () => {
    const h = await patHeaders();
    const satRes = await fetch('https://token.svc.emu.osaas.io/servicetoken', {
      method: 'POST',
      headers: { ...h, 'content-type': 'application/json' },
      body: JSON.stringify({ serviceId: 'eyevinn-test-adserver' }),
    });
    const sat = ((await satRes.json()) as { token: string }).token;
    await emu.control.failNext('instances.create', {
      status: 504,
      body: '<html>504</html>',
      contentType: 'text/html',
      commit: true,
    });
    const res = await fetch('https://api-eyevinn-test-adserver.auto.emu.osaas.io/test-adserverinstance', {
      method: 'POST',
      headers: { 'x-jwt': `Bearer ${sat}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ghost' }),
    });
    expect(res.status).toBe(504);
    expect((await emu.control.tenant('alice-team')).instances['eyevinn-test-adserver']).toEqual(['ghost']);
  });

  it('hang: never answers; the client abort closes the socket and is counted', async () => {
    const h = await patHeaders();
    await emu.control.failNext('catalog.subscriptions.list', { hang: true });
    const ctrl = new AbortController();
    const pending = fetch(catalog, { headers: h, signal: ctrl.signal });
    await new Promise((r) => setTimeout(r, 300));
    ctrl.abort();
    await expect(pending).rejects.toThrow();
    await until(async () => (await emu.control.stats()).hangsClosed === 1, 3_000, 'the hung socket closed');
    expect((await fetch(catalog, { headers: h })).status).toBe(200);
  });

  it('reset: the connection is dropped', async () => {
    const h = await patHeaders();
    await emu.control.failNext('money.plan', { reset: true });
    await expect(fetch('https://money.svc.emu.osaas.io/mytenantplan', { headers: h })).rejects.toThrow();
  });

  it('delayMs delays the real answer', async () => {
    const h = await patHeaders();
    await emu.control.failNext('money.tokens', { delayMs: 300 });
    const t0 = Date.now();
    const res = await fetch('https://money.svc.emu.osaas.io/mytokencount', { headers: h });
    expect(res.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
  });

  it('times "always" with probability 0 never fires; clearing removes faults', async () => {
    const h = await patHeaders();
    await emu.control.failNext('catalog.subscriptions.list', { status: 500, probability: 0 }, 'always');
    expect((await fetch(catalog, { headers: h })).status).toBe(200);
    await emu.control.failNext('catalog.subscriptions.list', { status: 500 }, 'always');
    expect((await fetch(catalog, { headers: h })).status).toBe(500);
    expect((await fetch(catalog, { headers: h })).status).toBe(500);
    await emu.control.clearFaults();
    expect((await fetch(catalog, { headers: h })).status).toBe(200);
  });

  it('refuses a malformed fault body with 400', async () => {
    const res = await fetch(`${emu.url}/__emulator/faults`, { method: 'POST', body: JSON.stringify({ status: 'x' }) });
    expect(res.status).toBe(400);
  });
});

describe('latency, clock, logs, secrets, reset', () => {
  it('adds global latency', async () => {
    await emu.control.latency(250);
    const t0 = Date.now();
    await fetch(`${emu.url}/.well-known/oauth-authorization-server`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(230);
  });

  it('moves expiry decisions with the clock', async () => {
    const h = await patHeaders();
    expect((await fetch(catalog, { headers: h })).status).toBe(200);
    // A margin of seconds: real time passes between mint and check on a loaded machine.
    await emu.control.advanceClock(3590);
    expect((await fetch(catalog, { headers: h })).status).toBe(200);
    await emu.control.advanceClock(11);
    expect((await fetch(catalog, { headers: h })).status).toBe(401);
  });

  it('logs request lines without headers, and tokens never travel in URLs', async () => {
    const t = await oauthFlow(emu.url, 'alice');
    await fetch(catalog, { headers: { 'x-pat-jwt': `Bearer ${t.access_token}` } });
    const log = await emu.control.requests();
    expect(log).toContainEqual({
      method: 'GET',
      host: 'catalog.svc.emu.osaas.io',
      path: '/mysubscriptions',
      query: '',
    });
    const urls = JSON.stringify(log);
    for (const secret of [t.access_token, t.refresh_token]) expect(urls).not.toContain(secret);
    expect(log.some((l) => l.path.startsWith('/__emulator'))).toBe(false);
  });

  it('lists every secret it issued', async () => {
    const t = await oauthFlow(emu.url, 'bob');
    const all = await emu.control.canaries();
    expect(all).toEqual(expect.arrayContaining([t.access_token, t.refresh_token, t.client_secret]));
    expect(all.some((s) => s.startsWith('osc_code_'))).toBe(true);
  });

  it('reset kills every token and restores the seed', async () => {
    const h = await patHeaders();
    await emu.control.setTenant('alice-team', { availableTokens: 1 });
    await emu.control.reset();
    expect((await fetch(catalog, { headers: h })).status).toBe(401);
    expect((await emu.control.tenant('alice-team')).availableTokens).toBe(300);
    expect((await emu.control.stats()).calls).toEqual({ 'catalog.subscriptions.list': 1 });
  });

  it('answers knobs on any Host (raw Host header over node:http)', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(`${emu.url}/__emulator/stats`, { headers: { host: 'catalog.svc.prod.osaas.io' } }, (res) => {
        let data = '';
        res.on('data', (c) => (data += c));
        res.on('end', () => resolve(data));
      });
      req.on('error', reject);
      req.end();
    });
    expect(JSON.parse(body)).toHaveProperty('codeExchanges', 0);
  });
});
