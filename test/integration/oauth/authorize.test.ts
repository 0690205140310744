// OAUTH-08, -09, -10, -11 and INPUT-09: GET /authorize before the consent page (RFC 6749
// §4.1.2.1, RFC 8252 §7.3, RFC 7636, RFC 8707), black-box over HTTP against the real app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../../src/storage/memory-store.js';
import { pkcePair, approveAtEmulator } from '../../support/emulator.js';
import {
  Browser,
  exchange,
  mcpPost,
  registerClient,
  tokenRequest,
  clientAuth,
  type RegisteredClient,
} from '../../support/oauth-flow.js';
import { startStack, type Stack } from '../../support/stack.js';
import { authorizeSteps, decide, openConsent } from '../../support/consent-steps.js';
import { expectClientErrorPage, expectLocalError } from '../../support/oauth-expect.js';
import { MISMATCHED_AT_AUTHORIZE } from '../../support/redirect-cases.js';

let stack: Stack;
let store: MemoryTokenStore;
let client: RegisteredClient;

beforeAll(async () => {
  store = new MemoryTokenStore();
  stack = await startStack({ store });
  client = await registerClient(stack.url, {
    client_name: 'Two URIs',
    redirect_uris: ['https://c.example/cb', 'http://127.0.0.1/cb'],
  });
});
afterAll(() => stack.close());

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { redirect: 'manual', headers });

/** /authorize with every parameter set by hand (so duplicates and odd encodings survive). */
function rawAuthorize(params: [string, string][]): string {
  const q = new URLSearchParams();
  for (const [k, v] of params) q.append(k, v);
  return `${stack.url}/authorize?${q}`;
}

function validParams(over: Partial<Record<string, string | null>> = {}): [string, string][] {
  const { challenge } = pkcePair();
  const base: Record<string, string | null> = {
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: 'https://c.example/cb',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'orig-state',
    ...over,
  };
  return Object.entries(base).filter((e): e is [string, string] => e[1] !== null);
}

describe('OAUTH-08: client identification errors render locally', () => {
  it.each([
    ['unknown client_id', () => validParams({ client_id: 'oscm_client_doesnotexist0000000000000000000000' })],
    ['client_id missing', () => validParams({ client_id: null })],
    ['two client_id parameters', () => [...validParams(), ['client_id', client.client_id] as [string, string]]],
    [
      'two different client_id parameters',
      () => [...validParams(), ['client_id', 'oscm_client_other'] as [string, string]],
    ],
  ])('%s → local error, nothing stored', async (_name, params) => {
    const before = store.size;
    await expectLocalError(await get(rawAuthorize(params())));
    expect(store.size).toBe(before);
  });
});

describe('OAUTH-09: exact redirect URI matching', () => {
  it.each(MISMATCHED_AT_AUTHORIZE)('%s → local error, no redirect, nothing stored', async (uri) => {
    const before = store.size;
    const res = await get(rawAuthorize(validParams({ redirect_uri: uri })));
    await expectLocalError(res);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(store.size).toBe(before);
  });

  it('a registered loopback URI on another port → our consent page (RFC 8252 §7.3)', async () => {
    const res = await get(rawAuthorize(validParams({ redirect_uri: 'http://127.0.0.1:5000/cb' })));
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    expect(html).toMatch(/name="pending" value="[^"]+"/);
    expect(html).toMatch(/name="csrf" value="[^"]+"/);
  });

  it('the exact registered URIs → consent page', async () => {
    for (const uri of ['https://c.example/cb', 'http://127.0.0.1/cb']) {
      const res = await get(rawAuthorize(validParams({ redirect_uri: uri })));
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/name="pending"/);
    }
  });
});

describe('OAUTH-10: PKCE is mandatory and S256 only', () => {
  const { challenge } = pkcePair();
  it.each([
    ['without code_challenge', { code_challenge: null }],
    ['with method plain', { code_challenge_method: 'plain' }],
    ['without method (defaults to plain)', { code_challenge_method: null }],
    ['with method S512', { code_challenge_method: 'S512' }],
    ['with a 42-char challenge', { code_challenge: challenge.slice(0, 42) }],
    ['with a 44-char challenge', { code_challenge: `${challenge}A` }],
    ['with a challenge containing +', { code_challenge: `${challenge.slice(0, 42)}+` }],
  ])(
    '%s → invalid_request with state and iss (on our page: the client is unverified, POLICY-02); no consent page',
    async (_name, over) => {
      const before = store.size;
      const oscBefore = await stack.emulator.control.calls('oauth.authorize');
      const res = await get(rawAuthorize(validParams(over)));
      const body = await res.clone().text();
      await expectClientErrorPage(res, {
        redirectUri: 'https://c.example/cb',
        issuer: stack.url,
        error: 'invalid_request',
        state: 'orig-state',
      });
      expect(body).not.toMatch(/name="pending"/);
      expect(store.size).toBe(before);
      expect(await stack.emulator.control.calls('oauth.authorize')).toBe(oscBefore);
    },
  );
});

describe('OAUTH-11: resource indicators (RFC 8707)', () => {
  it.each([
    ['canonical', (u: string) => `${u}/mcp`],
    ['omitted', () => null],
  ])('resource %s → consent page', async (_name, resource) => {
    const res = await get(rawAuthorize(validParams({ resource: resource(stack.url) })));
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/name="pending"/);
  });

  it.each([
    ['with a fragment', (u: string) => `${u}/mcp#x`],
    ['another server', () => 'https://other.example/mcp'],
  ])('resource %s → invalid_target for the client (on our page: unverified, POLICY-02)', async (_name, resource) => {
    const before = store.size;
    const res = await get(rawAuthorize(validParams({ resource: resource(stack.url) })));
    await expectClientErrorPage(res, {
      redirectUri: 'https://c.example/cb',
      issuer: stack.url,
      error: 'invalid_target',
      state: 'orig-state',
    });
    expect(store.size).toBe(before);
  });

  it('tokens from a canonical and from an omitted resource both open /mcp', async () => {
    const loopback = await registerClient(stack.url);
    for (const resource of [`${stack.url}/mcp`, undefined]) {
      const r = await authorizeSteps(stack.url, loopback, { resource });
      const tokens = await exchange(stack.url, loopback, {
        code: r.code,
        verifier: r.verifier,
        redirectUri: r.redirectUri,
        location: r.location,
      });
      const res = await mcpPost(stack.mcpUrl, tokens.access_token, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
      expect(res.status).toBe(200);
    }
  });

  it('a different resource at /token → invalid_target, and the code stays usable', async () => {
    const loopback = await registerClient(stack.url);
    const r = await authorizeSteps(stack.url, loopback, { resource: `${stack.url}/mcp` });
    const form = {
      grant_type: 'authorization_code',
      code: r.code,
      code_verifier: r.verifier,
      redirect_uri: r.redirectUri,
      ...clientAuth(loopback),
    };
    for (const resource of ['https://other.example/mcp', `${stack.url}/mcp#x`, `${stack.url}/other`]) {
      const bad = await tokenRequest(stack.url, { ...form, resource });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe('invalid_target');
      expect(bad.body.access_token).toBeUndefined();
    }
    const good = await tokenRequest(stack.url, { ...form, resource: `${stack.url}/mcp` });
    expect(good.status).toBe(200);
    expect(good.body.access_token).toBeTypeOf('string');
  });
});

describe('INPUT-09: no open redirector on any GET route', () => {
  const evil = 'https://evil.example';
  const lures = { returnTo: evil, next: evil, url: evil };

  function allowedLocation(loc: string | null, allowed: string[]): void {
    if (loc === null) return;
    const origin = new URL(loc, stack.url).origin;
    expect(allowed, `Location ${loc}`).toContain(origin);
  }

  it('every GET route with redirect_uri/returnTo/next/url = evil answers without a Location to evil', async () => {
    const paths = [
      '/',
      '/authorize',
      '/consent',
      '/oauth/callback',
      '/register',
      '/token',
      '/revoke',
      '/mcp',
      '/connections',
      '/healthz',
      '/readyz',
      '/metrics',
      '/assets/page.css',
      '/.well-known/oauth-authorization-server',
      '/.well-known/openid-configuration',
      '/.well-known/oauth-protected-resource',
      '/.well-known/oauth-protected-resource/mcp',
      '/no-such-route',
    ];
    for (const path of paths) {
      const q = new URLSearchParams({ redirect_uri: evil, ...lures });
      const res = await get(`${stack.url}${path}?${q}`);
      await res.arrayBuffer();
      const location = res.headers.get('location');
      if (location === null) continue;
      // The only other target allowed: OSC's authorize URL, sending the user back to our callback.
      const to = new URL(location);
      expect(`${to.origin}${to.pathname}`, path).toBe(`${stack.emulator.url}/api/connect/authorize`);
      expect(to.searchParams.get('redirect_uri'), path).toBe(`${stack.url}/oauth/callback`);
    }
  });

  it('/authorize for a real client: a bad redirect_uri never redirects; the lures are ignored', async () => {
    const before = store.size;
    await expectLocalError(await get(rawAuthorize([...validParams({ redirect_uri: evil }), ...Object.entries(lures)])));
    await expectLocalError(
      await get(rawAuthorize([...validParams({ redirect_uri: `${evil}/cb` }), ...Object.entries(lures)])),
    );
    expect(store.size).toBe(before);
    // With an invalid PKCE method the error goes to the validated URI, not to a lure.
    const res = await get(rawAuthorize([...validParams({ code_challenge_method: 'plain' }), ...Object.entries(lures)]));
    allowedLocation(res.headers.get('location'), ['https://c.example']);
  });

  it('a whole flow started with lures only ever redirects to OSC or the client', async () => {
    const loopback = await registerClient(stack.url);
    const browser = new Browser();
    const c = await openConsent(stack.url, loopback, { browser, extra: lures });
    const consent = await decide(stack.url, c);
    expect(consent.status).toBe(303);
    const toOsc = consent.headers.get('location')!;
    allowedLocation(toOsc, [stack.emulator.url]);
    const back = await approveAtEmulator(toOsc, 'alice');
    allowedLocation(back.toString(), [stack.url]);
    const cb = await browser.get(back.toString());
    expect(cb.status).toBe(303);
    allowedLocation(cb.headers.get('location'), [new URL(loopback.redirect_uris[0]!).origin]);
    // Our consent POST and callback ignore lures of their own too.
    const lured = await browser.get(
      `${stack.url}/oauth/callback?${new URLSearchParams({ ...lures, redirect_uri: evil })}`,
    );
    await expectLocalError(lured);
  });
});
