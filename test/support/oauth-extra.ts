/**
 * Extra helpers for the black-box OAuth tests (test/integration/oauth): a movable clock
 * shared by the server and its store, the authorization flow cut into its steps (consent
 * page, consent POST, OSC, callback) so tests can tamper between them, the catalog's
 * "challenge" and "local error" shapes (security-catalog B.0), a leak scan, a recorder of
 * every response our server sends to the client, replica restarts on the same URL, and a
 * Redis-backed store a test can dump.
 */
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { MemoryTokenStore } from '../../src/storage/memory-store.js';
import { RedisTokenStore } from '../../src/storage/redis-store.js';
import { createRedisClient, whenReady, type Redis } from '../../src/storage/redis-client.js';
import type { TokenStore } from '../../src/storage/store.js';
import { approveAtEmulator, pkcePair } from './emulator.js';
import { Browser, authorizeUrl, consentFields, type RegisteredClient } from './oauth-flow.js';
import { startReplica, startStack, type Replica, type Stack, type StackOptions } from './stack.js';

// ---------------------------------------------------------------------------------------
// Clock

/** Real time plus an offset the test moves: the server and its store read the same one. */
export interface TestClock {
  now: () => number;
  advance(ms: number): void;
}

export function testClock(): TestClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(ms) {
      offset += ms;
    },
  };
}

export interface ClockedStack extends Stack {
  clock: TestClock;
  memory: MemoryTokenStore;
}

/**
 * A stack whose server (`overrides.now`) and memory store (TTLs) share one movable clock,
 * the way both move together in production. The emulator keeps its own clock
 * (`control.advanceClock`).
 */
export async function startClockedStack(opts: Omit<StackOptions, 'store'> = {}): Promise<ClockedStack> {
  const clock = testClock();
  const memory = new MemoryTokenStore({ now: clock.now, sweepIntervalMs: 0 });
  const stack = await startStack({ ...opts, store: memory, overrides: { ...opts.overrides, now: clock.now } });
  return Object.assign(stack, { clock, memory });
}

/** Live records per kind in a memory store (expired ones are swept first). */
export function countKinds(memory: MemoryTokenStore): Record<string, number> {
  memory.sweep();
  const out: Record<string, number> = {};
  // The store keeps `<kind>:<id>` keys in a private map; tests may read it to prove what was (not) written.
  // biome-ignore lint/complexity/useLiteralKeys: `entries` is private; only bracket access reaches it.
  for (const key of (memory['entries'] as Map<string, unknown>).keys()) {
    const kind = key.slice(0, key.indexOf(':'));
    out[kind] = (out[kind] ?? 0) + 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// The flow, step by step

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
  scope?: string;
  resource?: string;
  redirectUri?: string;
  /** Extra query parameters appended to /authorize. */
  extra?: Record<string, string>;
}

/** GET /authorize in a browser; expects our consent page and returns its form fields. */
export async function openConsent(base: string, client: RegisteredClient, o: ConsentOptions = {}): Promise<OpenedConsent> {
  const browser = o.browser ?? new Browser();
  const { verifier, challenge } = pkcePair();
  const redirectUri = o.redirectUri ?? client.redirect_uris[0]!;
  const state = o.state ?? `st-${Math.random().toString(36).slice(2)}`;
  const url = new URL(authorizeUrl(base, { clientId: client.client_id, redirectUri, challenge, state, scope: o.scope, resource: o.resource }));
  for (const [k, v] of Object.entries(o.extra ?? {})) url.searchParams.append(k, v);
  const res = await browser.get(url.toString());
  const html = await res.text();
  if (res.status !== 200) throw new Error(`authorize → ${res.status}: ${html.slice(0, 300)}`);
  return { browser, client, verifier, challenge, redirectUri, state, html, ...consentFields(html) };
}

/** POST /consent from the consent page's browser with its own form fields. */
export function decide(base: string, c: OpenedConsent, decision: 'approve' | 'deny' = 'approve', scopes = ['osc:read', 'osc:write']): Promise<Response> {
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
export async function authorizeSteps(base: string, client: RegisteredClient, o: ConsentOptions & { user?: string } = {}) {
  const c = await openConsent(base, client, o);
  const at = await toCallback(base, c, o.user);
  const location = await finishCallback(c, at.callback);
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`no code: ${location}`);
  return { ...c, ...at, location, code };
}

// ---------------------------------------------------------------------------------------
// Expected shapes (security-catalog B.0)

export function resourceMetadataUrl(base: string): string {
  return `${base}/.well-known/oauth-protected-resource/mcp`;
}

/**
 * The catalog's "challenge": 401 with `WWW-Authenticate: Bearer error="invalid_token",
 * resource_metadata="<PUBLIC_URL>/.well-known/oauth-protected-resource/mcp"`.
 * `credentialless: true` is for requests carrying no credential our RS understands (no
 * header, a query parameter, another scheme): RFC 6750 §3.1 says the error code SHOULD
 * then be left out (OAUTH-03 asserts that shape), so it may be absent, and if present
 * must still be invalid_token.
 */
export async function expectChallenge(res: Response, base: string, o: { credentialless?: boolean } = {}): Promise<void> {
  const body = await res.text();
  expect(res.status, body).toBe(401);
  const www = res.headers.get('www-authenticate') ?? '';
  expect(www).toMatch(/^Bearer /);
  expect(www).toContain(`resource_metadata="${resourceMetadataUrl(base)}"`);
  if (o.credentialless) {
    const err = /error="([^"]*)"/.exec(www)?.[1];
    if (err !== undefined) expect(err).toBe('invalid_token');
  } else {
    expect(www).toContain('error="invalid_token"');
  }
  expect(body).not.toMatch(/at .*\.[jt]s:\d+/);
}

/** The catalog's "local error": a 400 HTML page, no Location header. */
export async function expectLocalError(res: Response, status = 400): Promise<string> {
  const body = await res.text();
  expect(res.status, body.slice(0, 300)).toBe(status);
  expect(res.headers.get('location')).toBeNull();
  expect(res.headers.get('content-type') ?? '').toMatch(/text\/html/);
  return body;
}

/** An authorization error sent back to the client: a 303 to `redirectUri` with error, state and exactly one iss. */
export function expectClientError(res: Response, o: { redirectUri: string; issuer: string; error: string; state?: string }): URL {
  expect(res.status).toBe(303);
  const loc = new URL(res.headers.get('location') ?? 'about:blank');
  expect(`${loc.origin}${loc.pathname}`).toBe(`${new URL(o.redirectUri).origin}${new URL(o.redirectUri).pathname}`);
  expect(loc.searchParams.get('error')).toBe(o.error);
  expect(loc.searchParams.getAll('iss')).toEqual([o.issuer]);
  expect(loc.searchParams.get('code')).toBeNull();
  if (o.state !== undefined) expect(loc.searchParams.getAll('state')).toEqual([o.state]);
  return loc;
}

// ---------------------------------------------------------------------------------------
// Leak scans

export interface Haystack {
  where: string;
  text: string;
}

/** Every (haystack, secret) pair where the secret occurs; [] when clean. Secrets shorter than 8 chars are ignored. */
export function findSecrets(haystacks: readonly Haystack[], secrets: Iterable<string>): string[] {
  const hits: string[] = [];
  const list = [...new Set(secrets)].filter((s) => s.length >= 8);
  for (const h of haystacks) {
    for (const s of list) {
      if (h.text.includes(s)) hits.push(`${h.where}: …${s.slice(0, 12)}…`);
      // Also the URL-encoded form (a secret in a query string).
      else if (encodeURIComponent(s) !== s && h.text.includes(encodeURIComponent(s))) hits.push(`${h.where} (url-encoded): …${s.slice(0, 12)}…`);
    }
  }
  return hits;
}

export function logHaystacks(logs: readonly string[], where = 'log'): Haystack[] {
  return logs.map((text, i) => ({ where: `${where}[${i}]`, text }));
}

export interface RecordedResponse {
  method: string;
  url: string;
  status: number;
  headers: string;
  body: string;
}

/**
 * Records every response from `origin` (our server) to whoever calls the global fetch in
 * this process (the test's client side). The server's own calls to OSC go elsewhere and
 * are not recorded. Bodies are read from a clone, so callers see the response unchanged.
 */
export function recordResponses(origin: string): { responses: RecordedResponse[]; haystacks(): Haystack[]; stop(): Promise<void> } {
  const original = globalThis.fetch;
  const responses: RecordedResponse[] = [];
  const pending: Promise<void>[] = [];
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const res = await original(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    if (new URL(url).origin === origin) {
      const copy = res.clone();
      pending.push(
        copy.text().then((body) => {
          responses.push({ method: init?.method ?? 'GET', url, status: res.status, headers: JSON.stringify([...res.headers]), body });
        }),
      );
    }
    return res;
  };
  return {
    responses,
    haystacks: () => responses.flatMap((r, i) => [
      { where: `response[${i}] ${r.method} ${r.url.replace(/\?.*/, '')} headers`, text: r.headers },
      { where: `response[${i}] ${r.method} ${r.url.replace(/\?.*/, '')} body`, text: r.body },
    ]),
    /** Restores fetch once every recorded body has been read. */
    async stop() {
      globalThis.fetch = original;
      await Promise.all(pending);
    },
  };
}

// ---------------------------------------------------------------------------------------
// Replicas and stores

/** The port a replica listens on (its PUBLIC_URL may name another host). */
export function listenUrl(r: Replica): string {
  return `http://127.0.0.1:${(r.server.address() as AddressInfo).port}`;
}

/**
 * Stops `old` and starts a replica on the same port and PUBLIC_URL (so the issuer and the
 * resource stay the same, as after a real restart), on the same store, with `env` on top.
 */
export async function restartReplica(emulatorUrl: string, store: TokenStore, old: Replica, env: Record<string, string>): Promise<Replica> {
  const port = new URL(listenUrl(old)).port;
  await old.close();
  return startReplica(emulatorUrl, store, { PORT: port, PUBLIC_URL: old.url, ...env });
}

export interface DumpedKey {
  key: string;
  type: string;
  value: string;
  ttlMs: number;
}

/** A RedisTokenStore on the test Redis under a prefix of its own, plus a way to dump every key it wrote. */
export async function redisStoreFor(url: string, prefix: string): Promise<{ store: RedisTokenStore; client: Redis; dump(): Promise<DumpedKey[]>; cleanup(): Promise<void> }> {
  const client = createRedisClient(url);
  await whenReady(client);
  const store = new RedisTokenStore(client, { prefix, closeClient: false });
  const keys = async (): Promise<string[]> => {
    const out: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      out.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return out;
  };
  return {
    store,
    client,
    async dump() {
      const out: DumpedKey[] = [];
      for (const key of await keys()) {
        const type = await client.type(key);
        let value = '';
        if (type === 'string') value = (await client.get(key)) ?? '';
        else if (type === 'zset') value = JSON.stringify(await client.zrange(key, '0', '-1', 'WITHSCORES'));
        else if (type === 'set') value = JSON.stringify(await client.smembers(key));
        else if (type === 'hash') value = JSON.stringify(await client.hgetall(key));
        else if (type === 'list') value = JSON.stringify(await client.lrange(key, 0, -1));
        out.push({ key, type, value, ttlMs: await client.pttl(key) });
      }
      return out;
    },
    async cleanup() {
      const ks = await keys();
      if (ks.length) await client.del(...ks);
      await client.quit();
    },
  };
}
