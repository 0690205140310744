// OAUTH-21, -22, -23, -25, -26, -34: the authorization_code grant at POST /token and the
// authorization responses' `iss`, black-box over HTTP against the real app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../../src/storage/hash.js';
import { pkcePair } from '../../support/emulator.js';
import {
  clientAuth,
  mcpPost,
  refresh,
  registerClient,
  tokenRequest,
  type RegisteredClient,
  type Tokens,
} from '../../support/oauth-flow.js';
import { authorizeSteps, decide, openConsent } from '../../support/consent-steps.js';
import { expectChallenge, expectClientError, expectClientErrorPage } from '../../support/oauth-expect.js';
import { startClockedStack, type ClockedStack } from '../../support/clocked-stack.js';

const OPAQUE = /^[A-Za-z0-9_-]{43,}$/;
const toolsList = { jsonrpc: '2.0', id: 1, method: 'tools/list' };

let stack: ClockedStack;
let client: RegisteredClient;

// One stack per file: startServer installs a process-wide dispatcher toward its emulator,
// so a second stack in the same file would take OSC away from the first. TRUST_PROXY lets
// the 1,000-runs case register from an address of its own.
beforeAll(async () => {
  stack = await startClockedStack({ env: { TRUST_PROXY: '1' } });
  client = await registerClient(stack.url);
});
afterAll(() => stack.close());

function codeForm(
  c: RegisteredClient,
  r: { code: string; verifier: string; redirectUri: string },
  over: Record<string, string | null> = {},
): Record<string, string> {
  const form: Record<string, string | null> = {
    grant_type: 'authorization_code',
    code: r.code,
    code_verifier: r.verifier,
    redirect_uri: r.redirectUri,
    ...clientAuth(c),
    ...over,
  };
  return Object.fromEntries(Object.entries(form).filter((e): e is [string, string] => e[1] !== null));
}

describe('OAUTH-21: the token response', () => {
  it('200 {access_token, token_type: Bearer, expires_in, refresh_token, scope} with Cache-Control: no-store; opaque tokens', async () => {
    const r = await authorizeSteps(stack.url, client);
    const res = await tokenRequest(stack.url, codeForm(client, r));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/no-store/);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const b = res.body;
    expect(Object.keys(b).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    expect(b.token_type).toBe('Bearer');
    expect(Number.isInteger(b.expires_in) && (b.expires_in as number) > 0).toBe(true);
    expect(b.scope).toBe('osc:read osc:write');
    for (const t of [b.access_token, b.refresh_token] as string[]) {
      expect(t).toMatch(OPAQUE);
      expect(t).not.toContain('.'); // not a JWT: nothing to decode
    }
    // Never an OSC token (no passthrough).
    const canaries = await stack.emulator.control.canaries();
    expect(canaries).not.toContain(b.access_token);
    expect(canaries).not.toContain(b.refresh_token);
  });

  it('tokens differ across 1,000 token responses: all distinct and well-formed', async () => {
    // 20 clients from one address, each one grant: a code exchange and 49 refreshes give
    // 1,000 responses (within the per-grant budget, docs/limits.md).
    const clients = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const res = await fetch(`${stack.url}/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.21' },
          body: JSON.stringify({
            client_name: `runs ${i}`,
            redirect_uris: ['http://127.0.0.1:7777/cb'],
            token_endpoint_auth_method: 'none',
          }),
        });
        expect(res.status).toBe(201);
        return (await res.json()) as RegisteredClient;
      }),
    );
    const all: Tokens[] = [];
    await Promise.all(
      clients.map(async (c) => {
        const r = await authorizeSteps(stack.url, c);
        const first = await tokenRequest(stack.url, codeForm(c, r));
        expect(first.status).toBe(200);
        let tokens = first.body as unknown as Tokens;
        all.push(tokens);
        for (let i = 0; i < 49; i++) {
          const next = await refresh(stack.url, c, tokens.refresh_token);
          expect(next.status, JSON.stringify(next.body)).toBe(200);
          tokens = next.body as unknown as Tokens;
          all.push(tokens);
        }
      }),
    );
    expect(all).toHaveLength(1000);
    const ats = new Set(all.map((t) => t.access_token));
    const rts = new Set(all.map((t) => t.refresh_token));
    expect(ats.size).toBe(1000);
    expect(rts.size).toBe(1000);
    expect([...ats].filter((t) => rts.has(t))).toEqual([]);
    for (const t of [...ats, ...rts]) expect(t).toMatch(OPAQUE);
  }, 120_000);
});

describe('OAUTH-22: invalid verifiers do not consume the code', () => {
  it('wrong, 42, 129, "+" and missing verifiers → 400; then the right one → 200', async () => {
    const r = await authorizeSteps(stack.url, client);
    const cases: [string, string | null, string][] = [
      ['wrong verifier', pkcePair().verifier, 'invalid_grant'],
      ['42 chars', 'a'.repeat(42), 'invalid_request'],
      ['129 chars', 'a'.repeat(129), 'invalid_request'],
      ['43 chars with +', `${'a'.repeat(42)}+`, 'invalid_request'],
      ['no verifier', null, 'invalid_request'],
    ];
    for (const [name, verifier, error] of cases) {
      const res = await tokenRequest(stack.url, codeForm(client, r, { code_verifier: verifier }));
      expect(res.status, name).toBe(400);
      expect(res.body.error, name).toBe(error);
      expect(res.body.access_token, name).toBeUndefined();
      expect(res.headers.get('cache-control'), name).toMatch(/no-store/);
    }
    const ok = await tokenRequest(stack.url, codeForm(client, r));
    expect(ok.status).toBe(200);
    expect(ok.body.access_token).toMatch(OPAQUE);
  });
});

describe('OAUTH-23: code replay revokes what the code issued', () => {
  it('second valid redemption → invalid_grant; AT1 → challenge; RT1 → invalid_grant', async () => {
    const r = await authorizeSteps(stack.url, client);
    const first = await tokenRequest(stack.url, codeForm(client, r));
    expect(first.status).toBe(200);
    const { access_token: at1, refresh_token: rt1 } = first.body as unknown as Tokens;
    const grantId = (await stack.store.get('access', hashSecret(at1)))!.grantId;
    expect((await mcpPost(stack.mcpUrl, at1, toolsList)).status).toBe(200);

    const replay = await tokenRequest(stack.url, codeForm(client, r));
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    expect(replay.body.access_token).toBeUndefined();

    await expectChallenge(await mcpPost(stack.mcpUrl, at1, toolsList), stack.url);
    const rt = await refresh(stack.url, client, rt1);
    expect(rt.status).toBe(400);
    expect(rt.body.error).toBe('invalid_grant');
    expect(await stack.store.get('grant', grantId)).toBeUndefined();
  });
});

describe('T4: an invalid replay neither revokes nor helps (stops DoS)', () => {
  it('replaying a redeemed code with a wrong verifier, or as another client → invalid_grant, and the grant lives on', async () => {
    const r = await authorizeSteps(stack.url, client);
    const first = await tokenRequest(stack.url, codeForm(client, r));
    expect(first.status).toBe(200);
    const { access_token: at1, refresh_token: rt1 } = first.body as unknown as Tokens;
    const other = await registerClient(stack.url, { client_name: 'Bystander' });

    // Whoever sees a used code (a log, a Referer) but not its verifier or client…
    const wrongVerifier = await tokenRequest(stack.url, codeForm(client, r, { code_verifier: pkcePair().verifier }));
    expect(wrongVerifier.status).toBe(400);
    expect(wrongVerifier.body.error).toBe('invalid_grant');
    const asOther = await tokenRequest(stack.url, codeForm(other, r));
    expect(asOther.status).toBe(400);
    expect(asOther.body.error).toBe('invalid_grant');

    // …cannot end the user's authorization (OAuth 2.1 §4.1.3).
    expect((await mcpPost(stack.mcpUrl, at1, toolsList)).status).toBe(200);
    expect((await refresh(stack.url, client, rt1)).status).toBe(200);
  });
});

describe('OAUTH-25: codes live 60 s', () => {
  it('exchange at +55 s → 200; another code at +61 s → invalid_grant', async () => {
    const early = await authorizeSteps(stack.url, client);
    stack.clock.advance(55_000);
    expect((await tokenRequest(stack.url, codeForm(client, early))).status).toBe(200);

    const late = await authorizeSteps(stack.url, client);
    stack.clock.advance(61_000);
    const res = await tokenRequest(stack.url, codeForm(client, late));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(res.body.access_token).toBeUndefined();
  });
});

describe('OAUTH-26: codes are bound to their client and redirect URI', () => {
  it('as client B → invalid_grant; with redirect_uri R2 → invalid_grant; then correctly → 200', async () => {
    const a = await registerClient(stack.url, {
      client_name: 'A',
      redirect_uris: ['http://127.0.0.1:7777/cb', 'http://127.0.0.1:7777/cb2'],
    });
    const b = await registerClient(stack.url, { client_name: 'B' });
    const r = await authorizeSteps(stack.url, a, { redirectUri: 'http://127.0.0.1:7777/cb' });

    const asB = await tokenRequest(stack.url, codeForm(b, r));
    expect(asB.status).toBe(400);
    expect(asB.body.error).toBe('invalid_grant');

    const r2 = await tokenRequest(stack.url, codeForm(a, r, { redirect_uri: 'http://127.0.0.1:7777/cb2' }));
    expect(r2.status).toBe(400);
    expect(r2.body.error).toBe('invalid_grant');

    const ok = await tokenRequest(stack.url, codeForm(a, r));
    expect(ok.status).toBe(200);
  });

  it('a confidential client with a wrong secret → 401 invalid_client, and the code is not consumed', async () => {
    const conf = await registerClient(stack.url, {
      client_name: 'Confidential',
      token_endpoint_auth_method: 'client_secret_post',
    });
    expect(conf.client_secret).toBeTruthy();
    const r = await authorizeSteps(stack.url, conf);
    const wrong = await tokenRequest(stack.url, codeForm(conf, r, { client_secret: `${conf.client_secret}x` }));
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
    const none = await tokenRequest(stack.url, codeForm(conf, r, { client_secret: null }));
    expect(none.status).toBe(401);
    const ok = await tokenRequest(stack.url, codeForm(conf, r));
    expect(ok.status).toBe(200);
  });
});

describe('OAUTH-34: exactly one iss on every authorization response', () => {
  it('success, PKCE error, consent denial and OSC denial all carry iss = issuer once', async () => {
    const ok = await authorizeSteps(stack.url, client, { state: 's-ok' });
    expect(ok.location.searchParams.getAll('iss')).toEqual([stack.url]);
    expect(ok.location.searchParams.getAll('state')).toEqual(['s-ok']);

    const { challenge } = pkcePair();
    const bad = new URL(`${stack.url}/authorize`);
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: client.redirect_uris[0]!,
      code_challenge: challenge,
      code_challenge_method: 'plain',
      state: 's-bad',
    }))
      bad.searchParams.set(k, v);
    // A registered client's redirect URI is unverified: the error is a link on our page (POLICY-02).
    await expectClientErrorPage(await fetch(bad, { redirect: 'manual' }), {
      redirectUri: client.redirect_uris[0]!,
      issuer: stack.url,
      error: 'invalid_request',
      state: 's-bad',
    });

    const denied = await openConsent(stack.url, client, { state: 's-deny' });
    expectClientError(await decide(stack.url, denied, 'deny'), {
      redirectUri: client.redirect_uris[0]!,
      issuer: stack.url,
      error: 'access_denied',
      state: 's-deny',
    });

    const oscDenied = await openConsent(stack.url, client, { state: 's-osc' });
    const toOsc = await decide(stack.url, oscDenied);
    const oscState = new URL(toOsc.headers.get('location')!).searchParams.get('state')!;
    const back = await oscDenied.browser.get(
      `${stack.url}/oauth/callback?${new URLSearchParams({ error: 'access_denied', state: oscState })}`,
    );
    expectClientError(back, {
      redirectUri: client.redirect_uris[0]!,
      issuer: stack.url,
      error: 'access_denied',
      state: 's-osc',
    });
  });

  it('a registered redirect URI that already carries iss in its query still gets exactly one, ours', async () => {
    const tricky = await registerClient(stack.url, {
      client_name: 'Query',
      redirect_uris: ['http://127.0.0.1:7777/cb?iss=https%3A%2F%2Fevil.example&x=1'],
    });
    const ok = await authorizeSteps(stack.url, tricky);
    expect(ok.location.searchParams.getAll('iss')).toEqual([stack.url]);
    expect(ok.location.searchParams.get('x')).toBe('1'); // the registered query is kept (RFC 6749 §3.1.2)
    const denied = await openConsent(stack.url, tricky, { state: 's-q' });
    const res = await decide(stack.url, denied, 'deny');
    const loc = new URL(res.headers.get('location')!);
    expect(loc.searchParams.getAll('iss')).toEqual([stack.url]);
    expect(loc.searchParams.get('error')).toBe('access_denied');
  });
});
