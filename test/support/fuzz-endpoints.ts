/**
 * FUZZ-02 (issue 16, class 7): 10,000 generated requests per public HTTP endpoint, handed to
 * the real app (src/app.ts) in this process (./inject.ts: no socket, no port), on the memory
 * store with in-memory limiters sized so requests reach the handlers. Generated: methods,
 * query strings and bodies built from each endpoint's own parameter names and from hostile
 * values (prototype keys, controls, bidi, broken percent-encoding, huge strings, private and
 * odd URLs, valid values of seeded clients), content types, cookies, Origin, Fetch Metadata
 * and Authorization headers. Every request must be answered, below 500, within a second, and
 * nothing may be logged at error level; the counts and the status histogram are printed.
 *
 * The endpoints are split over test/integration/fuzz/*.test.ts, three files of about equal CPU
 * (the config runs at most three workers), so vitest runs them in
 * parallel workers; each file calls `fuzzEndpoints` with its share. In the integration
 * project although they need no Redis and no process: their CPU is too much for the unit one.
 *
 * Nothing leaves the process: our OSC client is configured (no registration), and metadata
 * documents come from a fetcher that answers generated JSON or fails (the real SSRF check runs).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadavg } from 'node:os';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { MemoryTokenStore } from '../../src/storage/memory-store.js';
import { createSealer } from '../../src/storage/seal.js';
import { createRateLimiter } from '../../src/storage/rate-limits.js';
import { anonymousLimits } from '../../src/server.js';
import { withDefaults } from '../../src/defaults.js';
import { createSafeFetcher, SafeFetchError, type SafeFetcher } from '../../src/oauth/safe-fetch.js';
import { hangWatch, type HangWatch } from './hang-watch.js';
import { inject, type InjectResponse } from './inject.js';
import { logSink } from './log-sink.js';

const RUNS = 10_000;
const PUBLIC = 'http://127.0.0.1:8080';
const REDIRECT = 'http://127.0.0.1:7777/cb';
const CIMD = 'https://client.example/oauth/metadata.json';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const ASCII = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));

type Handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;
/** Valid values the arbitraries offer, filled by `buildFuzzApp`'s registrations. */
const seeded: { publicClient: string; confidential: string; secret: string } = {
  publicClient: '',
  confidential: '',
  secret: '',
};

export interface FuzzApp {
  handler: Handler;
  /** Every log line at error level or above. */
  errorLines: string[];
}

/** Metadata documents: generated JSON, an empty object, or a failed fetch; the SSRF check is the real one. */
function fuzzFetcher(): SafeFetcher {
  const real = createSafeFetcher();
  let i = 0;
  return {
    check: (raw, what) => real.check(raw, what),
    async fetchJson(url) {
      i += 1;
      if (i % 3 === 0) throw new SafeFetchError('unreachable');
      const doc =
        i % 3 === 1
          ? { client_id: url.toString(), client_name: `Fuzz ${i}`, redirect_uris: [REDIRECT] }
          : {
              client_id: url.toString(),
              redirect_uris: i % 2 ? 'not-a-list' : [`javascript:${i}`],
              __proto__: { x: 1 },
            };
      return { body: JSON.stringify(doc), maxAgeS: 60 };
    },
  };
}

/** The app as FUZZ-02 drives it, with a public and a confidential client registered (`seeded`). */
export async function buildFuzzApp(): Promise<FuzzApp> {
  const big = 1_000_000_000;
  const d = withDefaults();
  const limiter = (name: string) => createRateLimiter({ keyPrefix: `fuzz:${name}`, points: big, durationS: 60 });
  const sink = logSink();
  const { app } = createApp({
    publicUrl: PUBLIC,
    oscEnvironment: 'prod',
    oscClient: { clientId: 'fuzz-osc-client', clientSecret: 'fuzz-osc-secret' },
    store: new MemoryTokenStore({ sweepIntervalMs: 0 }),
    sealer: createSealer([Buffer.alloc(32, 3)]),
    log: createLogger({ level: 'error', destination: sink.stream }),
    accessTokenTtlS: 3600,
    refreshTokenTtlS: 86_400,
    limits: {
      register: limiter('register'),
      token: { perCredential: limiter('token'), failuresPerAddress: limiter('tokenfail') },
      toolCalls: limiter('tools'),
      instanceCreates: limiter('creates'),
      anonymous: anonymousLimits(
        {
          redisKeyPrefix: 'fuzz:',
          anonPagesPerAddress: big,
          anonApiPerAddress: big,
          anonRecordsPerAddress: big,
          anonRecordsTotal: big,
          registrationsTotalPerHour: big,
        },
        d,
      ),
    },
    cimd: { fetcher: fuzzFetcher() },
  });
  const handler = app as unknown as Handler;
  const register = async (body: Record<string, unknown>) => {
    const r = await inject(handler, {
      method: 'POST',
      url: '/register',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [REDIRECT], client_name: 'Seed', ...body }),
    });
    return JSON.parse(r.body) as { client_id: string; client_secret?: string };
  };
  seeded.publicClient = (await register({ token_endpoint_auth_method: 'none' })).client_id;
  const conf = await register({ token_endpoint_auth_method: 'client_secret_post' });
  seeded.confidential = conf.client_id;
  seeded.secret = conf.client_secret ?? '';
  // The MCP route imports the SDK and the tools with its first request (src/http/lazy.ts), which
  // a generated GET or HEAD /mcp would otherwise be: loaded here, so the one-second hang watch
  // times requests, not a module load on a loaded machine.
  await inject(handler, { method: 'GET', url: '/mcp', headers: { accept: 'text/event-stream' } });
  return { handler, errorLines: sink.lines };
}

/** Strings an outsider might send, and some valid ones so requests get past the first check. */
const valid = () =>
  fc.constantFrom(
    seeded.publicClient,
    seeded.confidential,
    seeded.secret,
    CIMD,
    REDIRECT,
    CHALLENGE,
    'S256',
    'code',
    'authorization_code',
    'refresh_token',
    'osc:read',
    'osc:read osc:write',
    `${PUBLIC}/mcp`,
    `oscm_rt_AAAAAAAAAAAAAAAAAAAAAA${'b'.repeat(43)}`,
    `oscm_at_${'c'.repeat(43)}`,
    'v'.repeat(43),
  );
const hostile = () =>
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        '__proto__',
        'constructor',
        'prototype',
        'toString',
        'null',
        '[]',
        '{}',
        '\u0000',
        '\r\n',
        '\u202e\u2066',
        '\u001b[31m',
        'a'.repeat(2_001),
        'x'.repeat(8_000),
        'https://127.0.0.1/x',
        'https://[::ffff:10.0.0.1]/m.json',
        'https://169.254.169.254/latest/meta-data',
        'http://localhost:1/',
        'https://client.example/../../etc/passwd',
        'https://user:pw@client.example/m.json',
        'javascript:alert(1)',
        'data:text/html,<script>1</script>',
        '<script>alert(1)</script>',
        '"; DROP TABLE x; --',
        '%',
        '%zz',
        '%E0%A4%A',
        '%ED%A0%80',
        '%C0%AF',
        '-1',
        '1e309',
        'NaN',
      ),
    },
    { weight: 3, arbitrary: valid() },
  );

/** A query string of known and unknown names (sent twice sometimes), sometimes with raw broken escapes. */
const query = (names: string[]) =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.oneof(fc.constantFrom(...names), hostile()), hostile()), { maxLength: 10 }),
      fc.boolean(),
    )
    .map(([pairs, raw]) => {
      if (pairs.length === 0) return '';
      const enc = raw ? encodeRaw : encodeEscaped;
      let q = '';
      for (const [k, v] of pairs) q += `${q ? '&' : '?'}${enc(k)}=${enc(v)}`;
      return q;
    });

// Lone surrogates cannot travel in a request (bytes are UTF-8); '%ED%A0%80' above can. Each
// replacement runs only on a string it changes (a test first: most strings have nothing to replace).
const SURROGATE = /[\uD800-\uDFFF]/;
const wellFormed = (s: string) => (SURROGATE.test(s) ? s.replace(/[\uD800-\uDFFF]/g, '\uFFFD') : s);
const NOT_VISIBLE = /[^\x21-\x7e]/;
const HASH_AMP = /[#&]/;
/** Raw: only what is not visible ASCII escaped, and '#' and '&' as '%26' (broken escapes travel as they are). */
function encodeRaw(s: string): string {
  let out = wellFormed(s);
  if (NOT_VISIBLE.test(out)) out = out.replace(/[^\x21-\x7e]/g, encodeURIComponent);
  return HASH_AMP.test(out) ? out.replace(/[#&]/g, '%26') : out;
}
function encodeEscaped(s: string): string {
  return encodeURIComponent(wellFormed(s));
}

/** A whole valid /authorize request, sometimes with one parameter replaced. */
const authorizeQuery = () =>
  fc
    .tuple(
      fc.record({
        response_type: fc.oneof(fc.constant('code'), hostile()),
        client_id: fc.oneof(fc.constantFrom(seeded.publicClient || 'x', CIMD), hostile()),
        redirect_uri: fc.oneof(fc.constant(REDIRECT), hostile()),
        code_challenge: fc.oneof(fc.constant(CHALLENGE), hostile()),
        code_challenge_method: fc.oneof(fc.constant('S256'), hostile()),
        state: hostile(),
        scope: hostile(),
        resource: fc.oneof(fc.constant(`${PUBLIC}/mcp`), hostile()),
      }),
      query(['client_id', 'state', 'scope', 'resource', 'redirect_uri']),
    )
    .map(([p, extra]) => {
      const u = new URLSearchParams(p as Record<string, string>).toString();
      return `?${u}${extra ? `&${extra.slice(1)}` : ''}`;
    });

const form = (names: string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: query(names).map((q) => q.slice(1)) },
    { weight: 1, arbitrary: hostile() },
    { weight: 1, arbitrary: fc.json() },
  );

const jsonBody = () =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .record(
          {
            redirect_uris: fc.oneof(fc.array(hostile(), { maxLength: 20 }), hostile(), fc.constant([REDIRECT])),
            client_name: hostile(),
            client_uri: hostile(),
            logo_uri: hostile(),
            grant_types: fc.oneof(fc.array(hostile(), { maxLength: 20 }), hostile()),
            response_types: fc.array(hostile(), { maxLength: 4 }),
            token_endpoint_auth_method: fc.oneof(
              fc.constantFrom('none', 'client_secret_post', 'client_secret_basic', 'private_key_jwt'),
              hostile(),
            ),
            token_endpoint_auth_signing_alg: hostile(),
            jwks_uri: hostile(),
            jwks: fc.oneof(
              // Up to four members a key, as FUZZ-01's dictionaries (test/support/fuzz-args.ts): the
              // default size made five on average, each a generated JSON value, about 0.2 ms a body.
              fc.record({
                keys: fc.array(fc.dictionary(hostile(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), {
                  maxLength: 3,
                }),
              }),
              fc.jsonValue(),
            ),
            scope: hostile(),
            application_type: fc.oneof(fc.constantFrom('web', 'native'), hostile()),
            __proto__: fc.jsonValue(),
            constructor: fc.jsonValue(),
          },
          { requiredKeys: [] },
        )
        .map((o) => JSON.stringify(o)),
    },
    { weight: 1, arbitrary: fc.json({ maxDepth: 4 }) },
    { weight: 1, arbitrary: hostile() },
  );

const contentType = (preferred: string) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(preferred) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'application/json',
        'application/x-www-form-urlencoded',
        'text/plain',
        'multipart/form-data; boundary=x',
        'application/json; charset=utf-16',
        'application/x-www-form-urlencoded; charset=koi8-r',
        'application/*+json',
        ';;;',
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: ASCII, maxLength: 30 }) },
  );

const headerValue = () =>
  fc.oneof(
    fc.string({ unit: ASCII, maxLength: 80 }),
    valid().map((v) => v.replace(/[^\x20-\x7e]/g, '')),
  );
const commonHeaders = () =>
  fc.record(
    {
      cookie: fc.oneof(
        headerValue(),
        headerValue().map((v) => `__Host-oscmcp-browser=${v}; __Host-oscmcp-session=${v}`),
      ),
      origin: fc.oneof(fc.constantFrom('null', PUBLIC, 'https://evil.example'), headerValue()),
      'sec-fetch-site': fc.constantFrom('same-origin', 'cross-site', 'same-site', 'none', 'bogus'),
      authorization: fc.oneof(
        headerValue().map((v) => `Basic ${Buffer.from(v).toString('base64')}`),
        headerValue().map((v) => `Bearer ${v}`),
        headerValue(),
      ),
      accept: fc.constantFrom('application/json, text/event-stream', 'text/html', '*/*'),
    },
    { requiredKeys: [] },
  );
const method = (preferred: string) =>
  fc.oneof(
    { weight: 9, arbitrary: fc.constant(preferred) },
    { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') },
  );

/**
 * `{ ...headers, ...more }` as Object.assign makes it (the same keys in the same order; the
 * generated header names are fixed words). On Node 20 an object literal that starts with a
 * spread and goes on with properties costs V8 about a microsecond a property (a new hidden
 * class for each object), against tens of nanoseconds for this.
 */
function withHeaders(headers: Record<string, string>, more: Record<string, string>): Record<string, string> {
  return Object.assign({}, headers, more);
}

export interface Shot {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** Each public endpoint's generated requests, by the name the tests print. */
export const endpoints = {
  'POST /register': () =>
    fc
      .record({ m: method('POST'), ct: contentType('application/json'), h: commonHeaders(), body: jsonBody() })
      .map(({ m, ct, h, body }) => ({
        method: m,
        url: '/register',
        headers: withHeaders(h, { 'content-type': ct }),
        body,
      })),
  'POST /token': () =>
    fc
      .record({
        m: method('POST'),
        ct: contentType('application/x-www-form-urlencoded'),
        h: commonHeaders(),
        body: form([
          'grant_type',
          'code',
          'code_verifier',
          'redirect_uri',
          'client_id',
          'client_secret',
          'refresh_token',
          'scope',
          'resource',
          'client_assertion',
          'client_assertion_type',
        ]),
      })
      .map(({ m, ct, h, body }) => ({
        method: m,
        url: '/token',
        headers: withHeaders(h, { 'content-type': ct }),
        body,
      })),
  'POST /revoke': () =>
    fc
      .record({
        m: method('POST'),
        ct: contentType('application/x-www-form-urlencoded'),
        h: commonHeaders(),
        body: form(['token', 'token_type_hint', 'client_id', 'client_secret']),
      })
      .map(({ m, ct, h, body }) => ({
        method: m,
        url: '/revoke',
        headers: withHeaders(h, { 'content-type': ct }),
        body,
      })),
  'GET /authorize': () =>
    fc
      .record({ m: method('GET'), h: commonHeaders(), q: fc.oneof(authorizeQuery(), query(['client_id', 'state'])) })
      .map(({ m, h, q }) => ({ method: m, url: `/authorize${q}`, headers: h })),
  'GET /.well-known/*': () =>
    fc
      .record({
        m: method('GET'),
        h: commonHeaders(),
        path: fc.oneof(
          fc.constantFrom(
            'oauth-authorization-server',
            'openid-configuration',
            'oauth-protected-resource',
            'oauth-protected-resource/mcp',
            'oauth-authorization-server/mcp',
          ),
          fc.string({ unit: ASCII, maxLength: 40 }).map(encodeURI),
        ),
        q: query(['resource']),
      })
      .map(({ m, h, path, q }) => ({ method: m, url: `/.well-known/${path}${q}`, headers: h })),
  'GET /connections': () =>
    fc
      .record({ m: method('GET'), h: commonHeaders(), q: query(['grant', 'csrf']) })
      .map(({ m, h, q }) => ({ method: m, url: `/connections${q}`, headers: h })),
  'POST /mcp without a bearer token': () =>
    fc.record({ m: method('POST'), h: commonHeaders(), body: fc.oneof(fc.json(), hostile()) }).map(({ m, h, body }) => {
      const { authorization: _a, ...rest } = h;
      return { method: m, url: '/mcp', headers: withHeaders(rest, { 'content-type': 'application/json' }), body };
    }),
  'POST /mcp with a bad bearer token': () =>
    fc
      .record({
        m: method('POST'),
        h: commonHeaders(),
        token: fc.oneof(headerValue(), fc.constant(`oscm_at_${'c'.repeat(43)}`)),
        body: fc.oneof(fc.constant('{"jsonrpc":"2.0","id":1,"method":"tools/list"}'), fc.json(), hostile()),
      })
      .map(({ m, h, token, body }) => ({
        method: m,
        url: '/mcp',
        headers: withHeaders(h, { authorization: `Bearer ${token}`, 'content-type': 'application/json' }),
        body,
      })),
} satisfies Record<string, () => fc.Arbitrary<Shot>>;

export type Endpoint = keyof typeof endpoints;

/** One request to the app, refused as a hang when unanswered within a second (./hang-watch.ts). */
export function shoot(app: FuzzApp, s: Shot, watch: HangWatch): Promise<InjectResponse> {
  // The shot's fields named one by one (see withHeaders: a spread followed by properties).
  const request = {
    method: s.method,
    url: s.url,
    headers: s.headers,
    body: s.body,
    remoteAddress: '203.0.113.9',
    host: '127.0.0.1:8080',
  };
  return watch.answer(inject(app.handler, request), () => JSON.stringify(s).slice(0, 300));
}

interface Figure {
  endpoint: string;
  requests: number;
  ms: number;
  cpuMs: number;
  statuses: Record<number, number>;
}

function printFigures(figures: Figure[]): void {
  console.table(
    figures.map((f) => ({
      endpoint: f.endpoint,
      requests: f.requests,
      's (wall)': (f.ms / 1000).toFixed(1),
      's (CPU)': (f.cpuMs / 1000).toFixed(1),
      statuses: JSON.stringify(f.statuses),
    })),
  );
  const sum = (k: 'requests' | 'ms' | 'cpuMs') => figures.reduce((n, f) => n + f[k], 0);
  console.log(
    `FUZZ-02 (${figures.map((f) => f.endpoint).join(', ')}): ${sum('requests')} requests in ${(sum('ms') / 1000).toFixed(1)} s ` +
      `(${(sum('cpuMs') / 1000).toFixed(1)} s of CPU, load ${loadavg()[0]?.toFixed(1)}), no 5xx, no hang`,
  );
}

/** The FUZZ-02 tests for the named endpoints (of `endpoints`), on an app of their own. */
export function fuzzEndpoints(names: readonly Endpoint[]): void {
  const mine = names.map((name) => [name, endpoints[name]] as const);
  let app: FuzzApp;
  const figures: Figure[] = [];
  beforeAll(async () => {
    app = await buildFuzzApp();
  });
  afterAll(() => printFigures(figures));

  describe('FUZZ-02: generated requests to public endpoints', () => {
    it.each(mine)(
      '%s: 10,000 requests, none answered 5xx, none hangs',
      async (endpoint, shot) => {
        const statuses: Record<number, number> = {};
        const started = performance.now();
        const cpu = process.cpuUsage();
        const watch = hangWatch(1_000);
        // Nothing this run checks reads a stack (the answers' statuses, the error-level log
        // lines), yet V8 captures one for every error a request raises: the OAuth errors most
        // requests end in, the body parser's, the schemas' (about a tenth of the run's CPU).
        const stackTraceLimit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
          await fc.assert(
            fc.asyncProperty(shot(), async (s) => {
              const res = await shoot(app, s, watch);
              statuses[res.status] = (statuses[res.status] ?? 0) + 1;
              if (res.status >= 500)
                throw new Error(`${res.status} for ${JSON.stringify(s).slice(0, 300)}: ${res.body.slice(0, 200)}`);
            }),
            { numRuns: RUNS },
          );
        } finally {
          Error.stackTraceLimit = stackTraceLimit;
          watch.stop();
        }
        const used = process.cpuUsage(cpu);
        figures.push({
          endpoint,
          requests: RUNS,
          ms: performance.now() - started,
          cpuMs: (used.user + used.system) / 1000,
          statuses,
        });
        expect(Object.values(statuses).reduce((a, b) => a + b, 0)).toBe(RUNS);
      },
      600_000,
    );

    it('logged no internal failure', () => {
      expect(app.errorLines.filter((l) => /"level":50|"level":60/.test(l))).toEqual([]);
    });
  });
}
