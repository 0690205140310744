// OAUTH-14, -15, -16, -37: our consent page's POST (CSRF, confused deputy, deny, 303),
// black-box over HTTP. The browser cases (OAUTH-12, -13, SECRETS-07) live in test/e2e.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../../src/storage/memory-store.js';
import { approveAtEmulator } from '../../support/emulator.js';
import { Browser, registerClient, type RegisteredClient } from '../../support/oauth-flow.js';
import { startStack, type Stack } from '../../support/stack.js';
import { authorizeSteps, decide, openConsent, type OpenedConsent } from '../../support/consent-steps.js';
import { expectClientError } from '../../support/oauth-expect.js';

let stack: Stack;
let store: MemoryTokenStore;
let client: RegisteredClient;

beforeAll(async () => {
  store = new MemoryTokenStore();
  stack = await startStack({ store });
  client = await registerClient(stack.url);
});
afterAll(() => stack.close());

const oscAuthorizeCalls = () => stack.emulator.control.calls('oauth.authorize');

function consentForm(
  c: Pick<OpenedConsent, 'pending' | 'csrf'>,
  over: Record<string, string | null> = {},
): URLSearchParams {
  const fields: Record<string, string | null> = { pending: c.pending, csrf: c.csrf, decision: 'approve', ...over };
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== null) form.append(k, v);
  form.append('scope', 'osc:read');
  form.append('scope', 'osc:write');
  return form;
}

/** A POST to /consent with exactly the cookie header given (none when undefined). */
function postConsent(form: URLSearchParams, cookie?: string): Promise<Response> {
  return fetch(`${stack.url}/consent`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: form,
  });
}

const cookieOf = (b: Browser) => [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

describe('OAUTH-14: CSRF on the consent POST', () => {
  let victim: OpenedConsent;
  let other: OpenedConsent;
  beforeEach(async () => {
    victim = await openConsent(stack.url, client);
    other = await openConsent(stack.url, client); // another browser, its own pending request
  });

  async function refused(res: Response): Promise<void> {
    const body = await res.text();
    expect(res.status, body.slice(0, 200)).toBe(403);
    expect(res.headers.get('location')).toBeNull();
  }

  it('refuses every forged POST with 403, sends nobody to OSC, and the real user can still approve', async () => {
    const before = store.size;
    const oscBefore = await oscAuthorizeCalls();
    // No CSRF token (victim's own cookie).
    await refused(await postConsent(consentForm(victim, { csrf: null }), cookieOf(victim.browser)));
    // An empty CSRF token.
    await refused(await postConsent(consentForm(victim, { csrf: '' }), cookieOf(victim.browser)));
    // A valid CSRF token, but from another browser's page.
    await refused(await postConsent(consentForm(victim, { csrf: other.csrf }), cookieOf(victim.browser)));
    // The victim's own form fields (leaked), posted from another browser.
    await refused(await postConsent(consentForm(victim), cookieOf(other.browser)));
    // The victim's own form fields without any cookie.
    await refused(await postConsent(consentForm(victim)));
    // A Deny cannot be forged either.
    await refused(await postConsent(consentForm(victim, { decision: 'deny' })));

    expect(store.size).toBe(before); // no upstream state was created, the pending request is not gone
    expect(await store.get('pending', victim.pending)).toBeDefined();
    expect(await oscAuthorizeCalls()).toBe(oscBefore);

    // The pending request survived for the real user.
    const real = await decide(stack.url, victim);
    expect(real.status).toBe(303);
    expect(new URL(real.headers.get('location')!).origin).toBe(stack.emulator.url);
  });

  it('an approval attempted by GET approves nothing', async () => {
    const before = store.size;
    const q = new URLSearchParams({
      pending: victim.pending,
      csrf: victim.csrf,
      decision: 'approve',
      approve: '1',
      scope: 'osc:read',
    });
    const res = await victim.browser.get(`${stack.url}/consent?${q}`);
    await res.text();
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(res.headers.get('location')).toBeNull();
    expect(store.size).toBe(before);
    expect(await store.get('pending', victim.pending)).toBeDefined();
    // Still answerable by the real POST.
    expect((await decide(stack.url, victim)).status).toBe(303);
  });
});

describe('OAUTH-15: no remembered consent (confused deputy)', () => {
  it('after U approved A (OSC remembers consent), an attacker client B still gets our consent page', async () => {
    await stack.emulator.control.config({ rememberConsent: true });
    try {
      const victim = new Browser();
      // U approves client A once, through our page and OSC's.
      const a = await authorizeSteps(stack.url, client, { browser: victim, user: 'alice' });
      expect(a.code).toBeTruthy();

      const evil = await registerClient(stack.url, {
        client_name: 'Totally Legit Client',
        redirect_uris: ['https://evil.example/cb'],
      });
      const oscBefore = await oscAuthorizeCalls();
      const exchangesBefore = (await stack.emulator.control.stats()).codeExchanges;
      // The victim's browser opens the attacker's /authorize link.
      const b = await openConsent(stack.url, evil, { browser: victim });
      expect(b.html).toContain('Totally Legit Client');
      expect(b.html).toMatch(/unverified/i);
      expect(b.html).toContain('evil.example');
      expect(b.html).toMatch(/value="approve"/);
      // Nothing happened without a click: no trip to OSC, no code exchange, no code for evil.example.
      expect(await oscAuthorizeCalls()).toBe(oscBefore);
      expect((await stack.emulator.control.stats()).codeExchanges).toBe(exchangesBefore);

      // The scenario is real: OSC would have skipped its own consent for B (it remembers
      // alice's consent for our one OSC client), so our page was the only barrier.
      const submitsBefore = await stack.emulator.control.calls('oauth.authorize.submit');
      const approved = await decide(stack.url, b);
      expect(approved.status).toBe(303);
      const back = await approveAtEmulator(approved.headers.get('location')!, 'alice');
      expect(await stack.emulator.control.calls('oauth.authorize.submit')).toBe(submitsBefore + 1); // sign-in only, no OSC consent page
      const cb = await victim.get(back.toString());
      expect(cb.status).toBe(303);
      expect(new URL(cb.headers.get('location')!).origin).toBe('https://evil.example');
    } finally {
      await stack.emulator.control.config({ rememberConsent: false });
    }
  });
});

describe('OAUTH-16: Deny', () => {
  it('303 to the registered URI with access_denied, state and iss; OSC never contacted; pending deleted', async () => {
    const oscBefore = await oscAuthorizeCalls();
    const c = await openConsent(stack.url, client, { state: 'deny-state' });
    expect(await store.get('pending', c.pending)).toBeDefined();
    const res = await decide(stack.url, c, 'deny');
    expectClientError(res, {
      redirectUri: client.redirect_uris[0]!,
      issuer: stack.url,
      error: 'access_denied',
      state: 'deny-state',
    });
    expect(await oscAuthorizeCalls()).toBe(oscBefore);
    expect(await store.get('pending', c.pending)).toBeUndefined();
    // The same form cannot be answered again (not even with Approve).
    const again = await decide(stack.url, c, 'approve');
    await again.text();
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.headers.get('location')).toBeNull();
    expect(await oscAuthorizeCalls()).toBe(oscBefore);
  });
});

describe('OAUTH-37: 303 after the consent POST', () => {
  it('Approve answers 303 (never 307/308) to OSC, and the pending request is consumed', async () => {
    const c = await openConsent(stack.url, client);
    const res = await decide(stack.url, c, 'approve');
    expect(res.status).toBe(303);
    const loc = new URL(res.headers.get('location')!);
    expect(loc.origin + loc.pathname).toBe(`${stack.emulator.url}/api/connect/authorize`);
    expect(res.headers.get('cache-control')).toMatch(/no-store/);
    expect(await store.get('pending', c.pending)).toBeUndefined();
  });
});
