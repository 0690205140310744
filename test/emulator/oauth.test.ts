/**
 * The emulated OSC OAuth host over plain fetch (src/emulator/README.md): discovery, DCR, the
 * authorize pages, PKCE, code exchange, refresh rotation, client authentication, expiry.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  approveAtEmulator,
  buildAuthorizeUrl,
  jwtClaims,
  oauthFlow,
  pkcePair,
  registerAtEmulator,
  startTestEmulator,
  tokenRequest,
  type TestEmulator,
} from '../support/emulator.js';

let emu: TestEmulator;
const REDIRECT = 'https://mcp.example.test/oauth/callback';

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

async function codeFor(userId: string, opts: { clientId: string; redirectUri?: string; state?: string }) {
  const { verifier, challenge } = pkcePair();
  const redirectUri = opts.redirectUri ?? REDIRECT;
  const loc = await approveAtEmulator(
    buildAuthorizeUrl(emu.url, { clientId: opts.clientId, redirectUri, challenge, state: opts.state ?? 'st' }),
    userId,
  );
  return { code: loc.searchParams.get('code') ?? '', verifier, loc, redirectUri };
}

describe('discovery and registration', () => {
  it('serves RFC 8414 metadata built from the request host', async () => {
    const md = (await (await fetch(`${emu.url}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(md).toMatchObject({
      issuer: emu.url,
      authorization_endpoint: `${emu.url}/api/connect/authorize`,
      token_endpoint: `${emu.url}/api/connect/token`,
      registration_endpoint: `${emu.url}/api/connect/register`,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
    });
  });

  it('registers a short-lived UUID client with a secret', async () => {
    const res = await fetch(`${emu.url}/api/connect/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'x',
        redirect_uris: [REDIRECT],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as {
      client_id: string;
      client_secret: string;
      client_secret_expires_at: number;
      client_id_issued_at: number;
      redirect_uris: string[];
    };
    expect(body.client_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(body.client_secret).toMatch(/^osc_secret_[0-9a-f]{64}$/);
    expect(body.client_secret_expires_at - body.client_id_issued_at).toBe(86_400);
    expect(body.redirect_uris).toEqual([REDIRECT]);
    expect((await emu.control.stats()).registrations).toBe(1);
  });

  it.each([
    [{ redirect_uris: [] }, 'invalid_redirect_uri'],
    [{ redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri'],
    [{ redirect_uris: ['https://c.example/cb#frag'] }, 'invalid_redirect_uri'],
    [{ redirect_uris: ['/relative'] }, 'invalid_redirect_uri'],
    [{ redirect_uris: [REDIRECT], grant_types: ['password'] }, 'invalid_client_metadata'],
  ])('refuses bad metadata %j', async (meta, error) => {
    const res = await fetch(`${emu.url}/api/connect/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(meta),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error });
  });

  it('refuses a body that is not JSON without crashing', async () => {
    const res = await fetch(`${emu.url}/api/connect/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_client_metadata' });
  });
});

describe('authorize pages', () => {
  it('shows the demo users, then consent, then redirects with code and state', async () => {
    const c = await registerAtEmulator(emu.url, REDIRECT);
    const url = buildAuthorizeUrl(emu.url, {
      clientId: c.client_id,
      redirectUri: REDIRECT,
      challenge: pkcePair().challenge,
      state: 'xyz',
    });
    const page = await (await fetch(url)).text();
    for (const id of ['alice', 'bob', 'carol']) expect(page).toContain(`name="user_id" value="${id}"`);
    const loc = await approveAtEmulator(url, 'carol');
    expect(loc.origin + loc.pathname).toBe(REDIRECT);
    expect(loc.searchParams.get('state')).toBe('xyz');
    expect(loc.searchParams.get('code')).toMatch(/^osc_code_/);
  });

  it('sends access_denied with the state on Deny', async () => {
    const c = await registerAtEmulator(emu.url, REDIRECT);
    const loc = await approveAtEmulator(
      buildAuthorizeUrl(emu.url, {
        clientId: c.client_id,
        redirectUri: REDIRECT,
        challenge: pkcePair().challenge,
        state: 's1',
      }),
      'alice',
      'deny',
    );
    expect(loc.searchParams.get('error')).toBe('access_denied');
    expect(loc.searchParams.get('state')).toBe('s1');
    expect(loc.searchParams.has('code')).toBe(false);
  });

  it('renders a local 400 (no Location) for an unknown client or an unregistered redirect', async () => {
    const c = await registerAtEmulator(emu.url, REDIRECT);
    const challenge = pkcePair().challenge;
    for (const url of [
      buildAuthorizeUrl(emu.url, { clientId: 'nope', redirectUri: REDIRECT, challenge }),
      buildAuthorizeUrl(emu.url, { clientId: c.client_id, redirectUri: 'https://evil.example/cb', challenge }),
    ]) {
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toContain('text/html');
    }
  });

  it('redirects with invalid_request for plain or missing PKCE', async () => {
    const c = await registerAtEmulator(emu.url, REDIRECT);
    const plain = buildAuthorizeUrl(emu.url, {
      clientId: c.client_id,
      redirectUri: REDIRECT,
      challenge: pkcePair().challenge,
      method: 'plain',
      state: 'p',
    });
    const res = await fetch(plain, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location')!);
    expect(loc.searchParams.get('error')).toBe('invalid_request');
    expect(loc.searchParams.get('state')).toBe('p');
    const none = new URL(plain);
    none.searchParams.delete('code_challenge');
    none.searchParams.delete('code_challenge_method');
    const res2 = await fetch(none, { redirect: 'manual' });
    expect(new URL(res2.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  it('lets the public cli client use any loopback port', async () => {
    const { code } = await codeFor('alice', { clientId: 'cli', redirectUri: 'http://localhost:53123/callback' });
    expect(code).toMatch(/^osc_code_/);
  });

  it('escapes the client name on its pages', async () => {
    const c = await registerAtEmulator(emu.url, REDIRECT, { client_name: '<script>alert(1)</script>' });
    const url = buildAuthorizeUrl(emu.url, {
      clientId: c.client_id,
      redirectUri: REDIRECT,
      challenge: pkcePair().challenge,
    });
    const page = await (await fetch(url)).text();
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&#60;script&#62;');
  });

  it('skips the consent page for a remembered consent only when that mode is on', async () => {
    const c = await registerAtEmulator(emu.url, REDIRECT);
    await codeFor('alice', { clientId: c.client_id });
    await emu.control.config({ rememberConsent: true });
    const url = buildAuthorizeUrl(emu.url, {
      clientId: c.client_id,
      redirectUri: REDIRECT,
      challenge: pkcePair().challenge,
      state: 'r',
    });
    const signIn = await (await fetch(url)).text();
    const tx = /name="transaction_id" value="([^"]+)"/.exec(signIn)![1]!;
    const res = await fetch(`${emu.url}/api/connect/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `transaction_id=${tx}&user_id=alice`,
    });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    // bob never approved this client: he still gets the consent page.
    const bobTx = /name="transaction_id" value="([^"]+)"/.exec(await (await fetch(url)).text())![1]!;
    const bob = await fetch(`${emu.url}/api/connect/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `transaction_id=${bobTx}&user_id=bob`,
    });
    expect(bob.status).toBe(200);
    expect(await bob.text()).toContain('name="decision" value="allow"');
  });

  it('auto consent redirects on the GET for the configured user', async () => {
    const auto = await startTestEmulator({ autoConsent: 'bob' });
    try {
      const c = await registerAtEmulator(auto.url, REDIRECT);
      const { verifier, challenge } = pkcePair();
      const res = await fetch(
        buildAuthorizeUrl(auto.url, { clientId: c.client_id, redirectUri: REDIRECT, challenge, state: 'a' }),
        { redirect: 'manual' },
      );
      expect(res.status).toBe(302);
      const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
      const t = await tokenRequest(auto.url, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        client_id: c.client_id,
        code_verifier: verifier,
      });
      expect(jwtClaims(String(t.body.access_token))).toMatchObject({ userId: 'bob', tenantId: 'bob-lab' });
    } finally {
      await auto.close();
    }
  });
});

describe('token endpoint', () => {
  it('issues a JWT-shaped PAT with the documented claims and a refresh token', async () => {
    const t = await oauthFlow(emu.url, 'alice');
    expect(t.token_type).toBe('Bearer');
    expect(t.expires_in).toBe(3600);
    expect(t.refresh_token).toMatch(/^osc_rt_CANARY_[0-9a-f]{32}$/);
    const claims = jwtClaims(t.access_token);
    expect(claims).toMatchObject({ iss: 'token.osaas.eyevinn.se', tenantId: 'alice-team', userId: 'alice' });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
    expect(typeof claims.patId).toBe('string');
    expect((await emu.control.stats()).codeExchanges).toBe(1);
  });

  it('refuses a wrong verifier, then a reused code', async () => {
    const c = await registerAtEmulator(emu.url, REDIRECT);
    const { code, verifier } = await codeFor('alice', { clientId: c.client_id });
    const base = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: c.client_id };
    const wrong = await tokenRequest(emu.url, { ...base, code_verifier: pkcePair().verifier });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await tokenRequest(emu.url, { ...base, code_verifier: verifier })).status).toBe(200);
    const again = await tokenRequest(emu.url, { ...base, code_verifier: verifier });
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const s = await emu.control.stats();
    expect([s.codeExchanges, s.codeExchangeFailures]).toEqual([1, 2]);
  });

  it('binds the code to redirect_uri and client, and expires it after 10 minutes', async () => {
    const c = await registerAtEmulator(emu.url, REDIRECT);
    const other = await registerAtEmulator(emu.url, REDIRECT);
    const { code, verifier } = await codeFor('alice', { clientId: c.client_id });
    const base = { grant_type: 'authorization_code', code, code_verifier: verifier };
    expect(
      (await tokenRequest(emu.url, { ...base, redirect_uri: `${REDIRECT}x`, client_id: c.client_id })).body.error,
    ).toBe('invalid_grant');
    expect(
      (await tokenRequest(emu.url, { ...base, redirect_uri: REDIRECT, client_id: other.client_id })).body.error,
    ).toBe('invalid_grant');
    await emu.control.advanceClock(601);
    expect((await tokenRequest(emu.url, { ...base, redirect_uri: REDIRECT, client_id: c.client_id })).body.error).toBe(
      'invalid_grant',
    );
  });

  it('rotates both tokens on refresh and kills the old refresh token at once', async () => {
    const t = await oauthFlow(emu.url, 'bob');
    const r1 = await tokenRequest(emu.url, {
      grant_type: 'refresh_token',
      refresh_token: t.refresh_token,
      client_id: t.client_id,
    });
    expect(r1.status).toBe(200);
    expect(r1.headers.get('cache-control')).toBe('no-store');
    expect(r1.body.refresh_token).not.toBe(t.refresh_token);
    expect(r1.body.access_token).not.toBe(t.access_token);
    const reuse = await tokenRequest(emu.url, {
      grant_type: 'refresh_token',
      refresh_token: t.refresh_token,
      client_id: t.client_id,
    });
    expect(reuse).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const r2 = await tokenRequest(emu.url, {
      grant_type: 'refresh_token',
      refresh_token: String(r1.body.refresh_token),
      client_id: t.client_id,
    });
    expect(r2.status).toBe(200);
    const s = await emu.control.stats();
    expect([s.refreshes, s.refreshFailures]).toEqual([2, 1]);
  });

  it('expires refresh tokens after the configured lifetime', async () => {
    const t = await oauthFlow(emu.url, 'bob');
    await emu.control.advanceClock(7201);
    const r = await tokenRequest(emu.url, {
      grant_type: 'refresh_token',
      refresh_token: t.refresh_token,
      client_id: t.client_id,
    });
    expect(r.body.error).toBe('invalid_grant');
  });

  it('authenticates clients: secret optional for DCR but must be right; Basic works; console needs it', async () => {
    const t = await oauthFlow(emu.url, 'alice');
    const rt = (x: string) => ({ grant_type: 'refresh_token', refresh_token: x, client_id: t.client_id });
    const bad = await tokenRequest(emu.url, { ...rt(t.refresh_token), client_secret: 'osc_secret_wrong' });
    expect(bad).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const basic = Buffer.from(`${t.client_id}:${t.client_secret}`).toString('base64');
    const viaBasic = await tokenRequest(
      emu.url,
      { grant_type: 'refresh_token', refresh_token: t.refresh_token },
      { authorization: `Basic ${basic}` },
    );
    expect(viaBasic.status).toBe(200);

    const consoleClient = await emu.control.consoleClient([REDIRECT]);
    expect(consoleClient.client_id).toMatch(/^osc_[A-Za-z0-9]{24}$/);
    expect(consoleClient.client_secret).toMatch(/^osc_secret_[0-9a-f]{64}$/);
    const { code, verifier } = await codeFor('carol', { clientId: consoleClient.client_id });
    const form = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: consoleClient.client_id,
      code_verifier: verifier,
    };
    expect((await tokenRequest(emu.url, form)).status).toBe(401);
    expect((await tokenRequest(emu.url, { ...form, client_secret: consoleClient.client_secret })).status).toBe(200);
  });

  it('turns an expired DCR client into invalid_client and a local error at authorize', async () => {
    // Ten minutes on the emulator clock: a loaded machine must not expire it mid-flow.
    const short = await startTestEmulator({ dcrClientTtlS: 600 });
    try {
      const t = await oauthFlow(short.url, 'alice');
      await short.control.advanceClock(601);
      const r = await tokenRequest(short.url, {
        grant_type: 'refresh_token',
        refresh_token: t.refresh_token,
        client_id: t.client_id,
      });
      expect(r).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      const res = await fetch(
        buildAuthorizeUrl(short.url, {
          clientId: t.client_id,
          redirectUri: 'http://127.0.0.1:9/callback',
          challenge: pkcePair().challenge,
        }),
        { redirect: 'manual' },
      );
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    } finally {
      await short.close();
    }
  });

  it('answers RFC 6749 errors for malformed requests', async () => {
    expect(await tokenRequest(emu.url, { grant_type: 'password', client_id: 'cli' })).toMatchObject({
      status: 400,
      body: { error: 'unsupported_grant_type' },
    });
    expect(await tokenRequest(emu.url, { client_id: 'cli' })).toMatchObject({
      status: 400,
      body: { error: 'invalid_request' },
    });
    expect(
      await tokenRequest(emu.url, { grant_type: 'refresh_token', client_id: 'nobody', refresh_token: 'x' }),
    ).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const json = await fetch(`${emu.url}/api/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[1,2',
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('accepts a JSON token request too', async () => {
    const t = await oauthFlow(emu.url, 'alice');
    const res = await fetch(`${emu.url}/api/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: t.client_id }),
    });
    expect(res.status).toBe(200);
  });

  it('revoking a user kills their refresh tokens', async () => {
    const t = await oauthFlow(emu.url, 'carol');
    await emu.control.revokeUser('carol');
    const r = await tokenRequest(emu.url, {
      grant_type: 'refresh_token',
      refresh_token: t.refresh_token,
      client_id: t.client_id,
    });
    expect(r.body.error).toBe('invalid_grant');
  });
});
