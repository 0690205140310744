/**
 * The browser part of an authorization cut into its steps (consent page, consent POST,
 * OSC's pages, our callback), so tests can tamper between them.
 */
import { approveAtEmulator, pkcePair } from './emulator.js';
import { ALL_SCOPES, Browser, authorizeUrl, consentFields, type RegisteredClient } from './oauth-flow.js';

export interface OpenedConsent {
  browser: Browser;
  client: RegisteredClient;
  verifier: string;
  challenge: string;
  redirectUri: string;
  state: string;
  pending: string;
  csrf: string;
  html: string;
}

export interface ConsentOptions {
  browser?: Browser;
  state?: string;
  /** Default `osc:read osc:write` (as in ./oauth-flow.ts); `''` sends none. */
  scope?: string;
  resource?: string;
  redirectUri?: string;
  /** Extra query parameters appended to /authorize. */
  extra?: Record<string, string>;
}

/** GET /authorize in a browser; expects our consent page and returns its form fields. */
export async function openConsent(
  base: string,
  client: RegisteredClient,
  o: ConsentOptions = {},
): Promise<OpenedConsent> {
  const browser = o.browser ?? new Browser();
  const { verifier, challenge } = pkcePair();
  const redirectUri = o.redirectUri ?? client.redirect_uris[0]!;
  const state = o.state ?? `st-${Math.random().toString(36).slice(2)}`;
  const url = new URL(
    authorizeUrl(base, {
      clientId: client.client_id,
      redirectUri,
      challenge,
      state,
      scope: o.scope ?? ALL_SCOPES,
      resource: o.resource,
    }),
  );
  for (const [k, v] of Object.entries(o.extra ?? {})) url.searchParams.append(k, v);
  const res = await browser.get(url.toString());
  const html = await res.text();
  if (res.status !== 200) throw new Error(`authorize → ${res.status}: ${html.slice(0, 300)}`);
  return { browser, client, verifier, challenge, redirectUri, state, html, ...consentFields(html) };
}

/** POST /consent from the consent page's browser with its own form fields. */
export function decide(
  base: string,
  c: OpenedConsent,
  decision: 'approve' | 'deny' = 'approve',
  scopes = ['osc:read', 'osc:write'],
): Promise<Response> {
  const form = new URLSearchParams({ pending: c.pending, csrf: c.csrf, decision });
  for (const s of scopes) form.append('scope', s);
  return c.browser.post(`${base}/consent`, form);
}

export interface AtCallback {
  /** Our redirect to OSC's authorize page. */
  osc: URL;
  /** The state we sent to OSC. */
  oscState: string;
  /** Where OSC sends the browser back (not followed yet). */
  callback: URL;
}

/** Approve on our consent page, pass OSC's pages as `user`, stop before our callback. */
export async function toCallback(base: string, c: OpenedConsent, user = 'alice'): Promise<AtCallback> {
  const res = await decide(base, c, 'approve');
  if (res.status !== 303) throw new Error(`consent → ${res.status}: ${(await res.text()).slice(0, 300)}`);
  const osc = new URL(res.headers.get('location')!);
  const callback = await approveAtEmulator(osc.toString(), user);
  return { osc, oscState: osc.searchParams.get('state')!, callback };
}

/** Follows OSC's redirect into our callback in the consent page's browser; expects the 303 to the client. */
export async function finishCallback(c: OpenedConsent, callback: URL): Promise<URL> {
  const res = await c.browser.get(callback.toString());
  if (res.status !== 303) throw new Error(`callback → ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return new URL(res.headers.get('location')!);
}

/** The whole browser part: consent page → approve → OSC → callback; returns the client redirect and the code. */
export async function authorizeSteps(
  base: string,
  client: RegisteredClient,
  o: ConsentOptions & { user?: string } = {},
) {
  const c = await openConsent(base, client, o);
  const at = await toCallback(base, c, o.user);
  const location = await finishCallback(c, at.callback);
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`no code: ${location}`);
  return { ...c, ...at, location, code };
}
