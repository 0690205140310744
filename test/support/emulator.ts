/**
 * Test helpers for the offline OSC emulator (src/emulator). Everything goes over HTTP,
 * the way the server under test meets the emulator.
 *
 *   const emu = await startTestEmulator();           // RunningEmulator + knobs
 *   const loc = await approveAtEmulator(authorizeUrl, 'alice');  // passes sign-in + consent
 *   const tokens = await oauthFlow(emu.url, 'alice'); // register + PKCE + code exchange
 */
import { createHash, randomBytes } from 'node:crypto';
import type { RunningEmulator, StartOptions } from '../../src/emulator/server.js';
import type { Stats } from '../../src/emulator/records.js';
import { send } from './http.js';

export type { RunningEmulator, StartOptions };

export interface TokenSet {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: string;
}

export interface FaultSpec {
  times?: number | 'always';
  probability?: number;
  status?: number;
  body?: unknown;
  bodyRepeat?: number;
  contentType?: string;
  headers?: Record<string, string>;
  hang?: boolean;
  reset?: boolean;
  delayMs?: number;
  commit?: boolean;
}

/** What `GET /__emulator/stats` answers: the emulator's own counters. */
export type EmulatorStats = Stats;

/** The `/__emulator` knobs of a running emulator. */
export class EmulatorControl {
  constructor(readonly url: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await send(`${this.url}/__emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`emulator ${method} ${path} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  stats(): Promise<EmulatorStats> {
    return this.call('GET', '/stats');
  }
  async calls(routeId: string): Promise<number> {
    return (await this.stats()).calls[routeId] ?? 0;
  }
  /** Arms a fault on a route id (see src/emulator/README.md), `times` defaults to 1. */
  failNext(route: string, fault: FaultSpec = {}, times?: number | 'always'): Promise<void> {
    return this.call('POST', '/faults', { route, ...fault, ...(times !== undefined ? { times } : {}) });
  }
  clearFaults(): Promise<void> {
    return this.call('DELETE', '/faults');
  }
  latency(ms: number): Promise<void> {
    return this.call('POST', '/latency', { ms });
  }
  revokeUser(userId: string): Promise<void> {
    return this.call('POST', '/revoke', { userId });
  }
  advanceClock(seconds: number): Promise<void> {
    return this.call('POST', '/clock', { advanceS: seconds });
  }
  setClockOffset(offsetS: number): Promise<void> {
    return this.call('POST', '/clock', { offsetS });
  }
  config(c: {
    rememberConsent?: boolean;
    autoConsent?: string | null;
    accessTokenTtlS?: number;
    refreshTokenTtlS?: number;
    dcrClientTtlS?: number;
    satTtlS?: number;
    instanceStartMs?: number;
  }): Promise<void> {
    return this.call('POST', '/config', c);
  }
  reset(): Promise<void> {
    return this.call('POST', '/reset');
  }
  /** Every secret the emulator ever issued (PATs, refresh tokens, SATs, client secrets, codes). */
  async canaries(): Promise<string[]> {
    return (await this.call<{ values: string[] }>('GET', '/secrets')).values;
  }
  /** A token pair for a demo user without the browser flow. */
  mint(userId: string, clientId = 'cli'): Promise<TokenSet & { client_id: string; tenantId: string }> {
    return this.call('POST', '/mint', { userId, clientId });
  }
  requests(): Promise<Array<{ method: string; host: string; path: string; query: string }>> {
    return this.call('GET', '/requests');
  }
  tenant(tenantId: string): Promise<{
    id: string;
    plan: string;
    availableTokens: number;
    usedTokens: number;
    subscriptions: string[];
    instances: Record<string, string[]>;
    secrets: Record<string, string[]>;
    apps: string[];
  }> {
    return this.call('GET', `/tenants/${encodeURIComponent(tenantId)}`);
  }
  setTenant(
    tenantId: string,
    patch: { plan?: string; availableTokens?: number; usedTokens?: number; subscriptions?: string[] },
  ): Promise<void> {
    return this.call('POST', `/tenants/${encodeURIComponent(tenantId)}`, patch);
  }
  /** Appends raw log text to an instance and/or forces its health (`null` clears). */
  shapeInstance(ref: {
    tenantId: string;
    serviceId: string;
    name: string;
    logs?: string;
    health?: string | null;
  }): Promise<void> {
    return this.call('POST', '/instance', ref);
  }
  /** A console-style confidential client (`osc_…` id, `osc_secret_…` secret). */
  consoleClient(redirectUris: string[], name?: string): Promise<{ client_id: string; client_secret: string }> {
    return this.call('POST', '/clients', { redirect_uris: redirectUris, ...(name ? { client_name: name } : {}) });
  }
}

export interface TestEmulator extends RunningEmulator {
  control: EmulatorControl;
}

/**
 * The emulator's modules (express and its routes) are imported here, when one starts: a file
 * that only passes its pages (approveAtEmulator, pkcePair) against an emulator in another
 * process, as the e2e files on the sandbox do, does not load them.
 */
export async function startTestEmulator(options: StartOptions = {}): Promise<TestEmulator> {
  const { startEmulator } = await import('../../src/emulator/server.js');
  const emu = await startEmulator(options);
  return Object.assign(emu, { control: new EmulatorControl(emu.url) });
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function field(html: string, name: string): string | undefined {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
}

/**
 * Passes OSC's sign-in and consent pages without a browser and returns the final redirect
 * (`redirect_uri?code=…&state=…`, or `?error=access_denied&…`). Handles auto consent
 * (the GET redirects at once) and remembered consent (the sign-in POST redirects).
 */
export async function approveAtEmulator(
  authorizeUrl: string,
  userId: string,
  decision: 'allow' | 'deny' = 'allow',
): Promise<URL> {
  const post = (form: Record<string, string>) =>
    send(new URL('/api/connect/authorize', authorizeUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  const located = (res: Response): URL | undefined => {
    const loc = res.headers.get('location');
    return res.status >= 300 && res.status < 400 && loc ? new URL(loc) : undefined;
  };
  const first = await send(authorizeUrl);
  const direct = located(first);
  if (direct) return direct;
  const signIn = await first.text();
  const txId = field(signIn, 'transaction_id');
  if (first.status !== 200 || !txId) throw new Error(`emulator authorize: ${first.status} ${signIn.slice(0, 300)}`);
  const second = await post({ transaction_id: txId, user_id: userId });
  const remembered = located(second);
  if (remembered) return remembered;
  const consent = await second.text();
  if (second.status !== 200) throw new Error(`emulator sign-in: ${second.status} ${consent.slice(0, 300)}`);
  const third = await post({ transaction_id: field(consent, 'transaction_id') ?? txId, decision });
  const done = located(third);
  if (!done) throw new Error(`emulator consent: ${third.status} ${(await third.text()).slice(0, 300)}`);
  return done;
}

/** Registers a client at the emulator (RFC 7591). */
export async function registerAtEmulator(
  emulatorUrl: string,
  redirectUri: string,
  extra: Record<string, unknown> = {},
): Promise<{ client_id: string; client_secret?: string }> {
  const res = await send(`${emulatorUrl}/api/connect/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'test client',
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'client_secret_post',
      ...extra,
    }),
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
  return (await res.json()) as { client_id: string; client_secret?: string };
}

export function buildAuthorizeUrl(
  emulatorUrl: string,
  p: { clientId: string; redirectUri: string; challenge: string; state?: string; method?: string },
): string {
  const u = new URL('/api/connect/authorize', emulatorUrl);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('client_id', p.clientId);
  u.searchParams.set('redirect_uri', p.redirectUri);
  u.searchParams.set('code_challenge', p.challenge);
  u.searchParams.set('code_challenge_method', p.method ?? 'S256');
  if (p.state !== undefined) u.searchParams.set('state', p.state);
  return u.toString();
}

/** POSTs a form to the token endpoint; returns status and parsed JSON body. */
export async function tokenRequest(
  emulatorUrl: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await send(`${emulatorUrl}/api/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

/** The whole browser flow for a demo user: register, authorize with PKCE, exchange the code. */
export async function oauthFlow(
  emulatorUrl: string,
  userId: string,
  redirectUri = 'http://127.0.0.1:9/callback',
): Promise<TokenSet & { client_id: string; client_secret?: string }> {
  const client = await registerAtEmulator(emulatorUrl, redirectUri);
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(16).toString('base64url');
  const loc = await approveAtEmulator(
    buildAuthorizeUrl(emulatorUrl, { clientId: client.client_id, redirectUri, challenge, state }),
    userId,
  );
  const code = loc.searchParams.get('code');
  if (!code || loc.searchParams.get('state') !== state)
    throw new Error(`authorize did not return a code: ${loc.search}`);
  const r = await tokenRequest(emulatorUrl, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    client_id: client.client_id,
    code_verifier: verifier,
  });
  if (r.status !== 200) throw new Error(`token: ${r.status} ${JSON.stringify(r.body)}`);
  return {
    ...(r.body as unknown as TokenSet),
    client_id: client.client_id,
    ...(client.client_secret ? { client_secret: client.client_secret } : {}),
  };
}

/** Decodes a JWT payload without verifying it (tests read `tenantId`, `exp`…). */
export function jwtClaims(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}
