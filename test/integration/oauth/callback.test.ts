// OAUTH-17, -18, -19, -20: our OSC callback (state, browser binding, PKCE toward OSC,
// upstream errors, code injection), black-box over HTTP against the real app and the emulator.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../../src/storage/hash.js';
import { Browser, registerClient, type RegisteredClient } from '../../support/oauth-flow.js';
import { countKinds, startClockedStack, type ClockedStack } from '../../support/clocked-stack.js';
import { decide, finishCallback, openConsent, toCallback } from '../../support/consent-steps.js';
import { expectClientError, expectLocalError } from '../../support/oauth-expect.js';
import { findSecrets, logHaystacks } from '../../support/leak-scan.js';
import { approveAtEmulator } from '../../support/emulator.js';

let stack: ClockedStack;
let client: RegisteredClient;

beforeAll(async () => {
  stack = await startClockedStack();
  client = await registerClient(stack.url);
});
afterAll(() => stack.close());

const control = () => stack.emulator.control;

/** What must not change when a callback is refused: no upstream exchange, no code, no grant. */
async function snapshot() {
  const kinds = countKinds(stack.memory);
  return {
    exchangeCalls: await control().calls('oauth.token.code'),
    codeExchanges: (await control().stats()).codeExchanges,
    codes: kinds.code ?? 0,
    grants: kinds.grant ?? 0,
    access: kinds.access ?? 0,
  };
}

async function started(user = 'alice', browser = new Browser()) {
  const c = await openConsent(stack.url, client, { browser });
  const at = await toCallback(stack.url, c, user);
  return { c, ...at };
}

function withParam(url: URL, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}

describe('OAUTH-17: state validation at the callback', () => {
  it('unknown state → local error, no exchange, no code', async () => {
    const { c, callback } = await started();
    const before = await snapshot();
    await expectLocalError(await c.browser.get(withParam(callback, 'state', randomBytes(32).toString('base64url'))));
    expect(await snapshot()).toEqual(before);
    // A missing state is no better.
    const u = new URL(callback);
    u.searchParams.delete('state');
    await expectLocalError(await c.browser.get(u.toString()));
    expect(await snapshot()).toEqual(before);
  });

  it('reused state → local error, nothing new minted', async () => {
    const { c, callback } = await started();
    const first = await finishCallback(c, callback);
    expect(first.searchParams.get('code')).toBeTruthy();
    const before = await snapshot();
    await expectLocalError(await c.browser.get(callback.toString()));
    expect(await snapshot()).toEqual(before);
  });

  it('state after 11 minutes → local error, no exchange (OSC would still have accepted the code)', async () => {
    const { c, callback } = await started();
    stack.clock.advance(11 * 60_000);
    const before = await snapshot(); // after the jump: records that expired with it are already gone
    await expectLocalError(await c.browser.get(callback.toString()));
    expect(await snapshot()).toEqual(before);
  });

  it('valid state without the browser cookie → local error; the real browser can still finish', async () => {
    const { c, callback } = await started();
    const before = await snapshot();
    await expectLocalError(await fetch(callback.toString(), { redirect: 'manual' }));
    expect(await snapshot()).toEqual(before);
    const done = await finishCallback(c, callback);
    expect(done.searchParams.get('code')).toBeTruthy();
  });

  it("valid state with another browser's cookie → local error; the real browser can still finish", async () => {
    const { c, callback } = await started();
    const other = new Browser();
    await openConsent(stack.url, client, { browser: other }); // gives `other` its own binding cookie
    expect(other.cookies.size).toBeGreaterThan(0);
    const before = await snapshot();
    await expectLocalError(await other.get(callback.toString()));
    expect(await snapshot()).toEqual(before);
    const done = await finishCallback(c, callback);
    expect(done.searchParams.get('code')).toBeTruthy();
  });
});

describe('OAUTH-18: our PKCE and state toward OSC', () => {
  it('S256, a 43-char challenge, our exact callback, a ≥ 43-char state; the verifier only in the back channel', async () => {
    const c = await openConsent(stack.url, client);
    const res = await decide(stack.url, c);
    expect(res.status).toBe(303);
    const osc = new URL(res.headers.get('location')!);
    expect(osc.origin + osc.pathname).toBe(`${stack.emulator.url}/api/connect/authorize`);
    expect(osc.searchParams.get('response_type')).toBe('code');
    expect(osc.searchParams.getAll('code_challenge_method')).toEqual(['S256']);
    const challenge = osc.searchParams.get('code_challenge')!;
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(osc.searchParams.get('redirect_uri')).toBe(`${stack.url}/oauth/callback`);
    const state = osc.searchParams.get('state')!;
    expect(state.length).toBeGreaterThanOrEqual(43);
    expect(state).toMatch(/^[A-Za-z0-9_-]+$/);
    // Our challenge is neither the client's challenge nor its state.
    expect(challenge).not.toBe(c.challenge);
    expect(state).not.toBe(c.state);

    // The verifier the server keeps for this state is the S256 pre-image of the challenge…
    const rec = await stack.store.get('upstream', hashSecret(state));
    const verifier = rec!.oscCodeVerifier;
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(challenge);

    const exchangesBefore = (await control().stats()).codeExchanges;
    const callback = await approveAtEmulator(osc.toString(), 'alice');
    const back = await c.browser.get(callback.toString());
    expect(back.status).toBe(303);
    // …it reached OSC (the exchange succeeded, PKCE checked there)…
    expect((await control().stats()).codeExchanges).toBe(exchangesBefore + 1);
    // …through the body of a POST: no URL the emulator received carries it, nor any log line or redirect.
    const requests = await control().requests();
    const tokenCalls = requests.filter((r) => r.path === '/api/connect/token');
    expect(tokenCalls.length).toBeGreaterThan(0);
    for (const r of tokenCalls) {
      expect(r.method).toBe('POST');
      expect(r.query).toBe('');
    }
    const urls = requests.map((r, i) => ({ where: `emulator request ${i}`, text: `${r.path}?${r.query}` }));
    const redirects = [osc.toString(), callback.toString(), back.headers.get('location') ?? ''].map((text, i) => ({
      where: `redirect ${i}`,
      text,
    }));
    expect(findSecrets([...urls, ...redirects, ...logHaystacks(stack.logs)], [verifier])).toEqual([]);
  });
});

describe('OAUTH-19: an error from OSC at the callback', () => {
  it('access_denied with a script in error_description → 303 to the client with access_denied, its state and iss; nothing reflected', async () => {
    const c = await openConsent(stack.url, client, { state: 'client-st-19' });
    const res = await decide(stack.url, c);
    const oscState = new URL(res.headers.get('location')!).searchParams.get('state')!;
    const before = await snapshot();
    const q = new URLSearchParams({ error: 'access_denied', error_description: '<script>x</script>', state: oscState });
    const back = await c.browser.get(`${stack.url}/oauth/callback?${q}`);
    const body = await back.text();
    const loc = expectClientError(back, {
      redirectUri: client.redirect_uris[0]!,
      issuer: stack.url,
      error: 'access_denied',
      state: 'client-st-19',
    });
    expect(loc.searchParams.get('error_description') ?? '').not.toMatch(/<|>|script>/i);
    expect(back.headers.get('location')!).not.toMatch(/<|%3C|script%3E|script>/i);
    expect(body).not.toMatch(/<script/i);
    expect(await snapshot()).toEqual(before);
  });

  it('the emulator’s own Deny → access_denied back to the client', async () => {
    const c = await openConsent(stack.url, client, { state: 'client-st-19b' });
    const res = await decide(stack.url, c);
    const denied = await approveAtEmulator(res.headers.get('location')!, 'alice', 'deny');
    expect(denied.searchParams.get('error')).toBe('access_denied');
    const back = await c.browser.get(denied.toString());
    expectClientError(back, {
      redirectUri: client.redirect_uris[0]!,
      issuer: stack.url,
      error: 'access_denied',
      state: 'client-st-19b',
    });
  });
});

describe('OAUTH-20: an injected upstream code', () => {
  it("the attacker's OSC code in the victim's callback → OSC refuses (PKCE), no grant, local error", async () => {
    // The attacker runs the flow up to OSC's redirect and keeps the code.
    const attacker = await started('bob');
    const attackerCode = attacker.callback.searchParams.get('code')!;
    expect(attackerCode).toBeTruthy();
    // The victim is at the same point; the attacker swaps in their code.
    const victim = await started('alice');
    const before = await snapshot();
    const failuresBefore = (await control().stats()).codeExchangeFailures;
    const injected = withParam(victim.callback, 'code', attackerCode);
    await expectLocalError(await victim.c.browser.get(injected));
    const after = await snapshot();
    expect(after.exchangeCalls).toBe(before.exchangeCalls + 1); // we asked OSC…
    expect(after.codeExchanges).toBe(before.codeExchanges); // …and it refused
    expect((await control().stats()).codeExchangeFailures).toBe(failuresBefore + 1);
    expect(after.grants).toBe(before.grants);
    expect(after.codes).toBe(before.codes);
    // The code itself was good: only its PKCE binding stopped it (the attacker can still redeem it).
    const own = await finishCallback(attacker.c, attacker.callback);
    expect(own.searchParams.get('code')).toBeTruthy();
  });
});
