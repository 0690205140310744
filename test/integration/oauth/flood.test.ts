// Anonymous work is bounded (issue 16, class 1; docs/limits.md "Anonymous work";
// src/oauth/anonymous.ts). FLOOD-01 and FLOOD-06 run on a real Redis with the default
// budgets; the others shrink one budget to show its refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startRedisStack, type RedisStack } from '../../support/redis-stack.js';
import { startStack, type Stack } from '../../support/stack.js';
import { startClockedStack, type ClockedStack } from '../../support/clocked-stack.js';
import { scanKeys } from '../../support/redis-keys.js';
import { pkcePair } from '../../support/emulator.js';
import {
  authorize,
  authorizeUrl,
  Browser,
  consentFields,
  exchange,
  REDIRECT_URI,
  refresh,
  registerClient,
  type RegisteredClient,
} from '../../support/oauth-flow.js';
import { expectClientErrorPage } from '../../support/oauth-expect.js';
import { send } from '../../support/http.js';
import { DEFAULTS } from '../../../src/defaults.js';
import { loadConfig } from '../../../src/config.js';

const FLOODER = '203.0.113.66';
const OTHER = '198.51.100.7';
const from = (ip: string, extra: Record<string, string> = {}) => ({ 'x-forwarded-for': ip, ...extra });
const DEFAULT_CONFIG = loadConfig({});

async function inBatches<T>(n: number, size: number, run: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < n; start += size)
    out.push(...(await Promise.all(Array.from({ length: Math.min(size, n - start) }, (_, k) => run(start + k)))));
  return out;
}

function histogram(statuses: number[]): Record<number, number> {
  const h: Record<number, number> = {};
  for (const s of statuses) h[s] = (h[s] ?? 0) + 1;
  return h;
}

const authorizeFrom = (base: string, client: RegisteredClient, ip: string, state = randomBytes(16).toString('hex')) =>
  send(
    authorizeUrl(base, {
      clientId: client.client_id,
      redirectUri: REDIRECT_URI,
      challenge: pkcePair().challenge,
      state,
    }),
    { headers: from(ip) },
  );

describe('a flood of anonymous requests from one address, on Redis with the default budgets', () => {
  let stack: RedisStack;
  let client: RegisteredClient;
  beforeAll(async () => {
    // Not a fail-fast test: a patient command timeout, so a starved machine does not read as an outage.
    stack = await startRedisStack({
      env: { TRUST_PROXY: '1' },
      overrides: { defaults: { redisCommandTimeoutMs: 10_000 } },
    });
    client = await registerClient(stack.url);
  }, 60_000);
  afterAll(async () => stack?.close());

  it('FLOOD-01: 1,000 /authorize and 1,000 /connections sign-ins leave at most the address budget of records in the store', async () => {
    const statuses = await inBatches(2_000, 20, async (i) => {
      const res =
        i % 2 === 0
          ? await authorizeFrom(stack.url, client, FLOODER)
          : await send(`${stack.url}/connections`, { headers: from(FLOODER) });
      await res.arrayBuffer();
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      return res.status;
    });
    const h = histogram(statuses);
    // Every request was answered: a consent page, a redirect to OSC, or 429 + Retry-After.
    expect(Object.keys(h).map(Number).sort()).toEqual([200, 303, 429].filter((s) => h[s]));

    const keys = await scanKeys(stack.redis, `${stack.prefix}*`);
    const byKind: Record<string, number> = {};
    let bytes = 0;
    for (const key of keys) {
      const parts = key.slice(stack.prefix.length).split(':');
      const kind = parts[0] === 'rl' ? `${parts[0]}:${parts[1]}` : (parts[0] ?? '');
      byKind[kind] = (byKind[kind] ?? 0) + 1;
      bytes += Number(await stack.redis.call('MEMORY', 'USAGE', key));
    }
    const records = Object.entries(byKind)
      .filter(([k]) => k === 'pending' || k === 'signin')
      .reduce((n, [, c]) => n + c, 0);
    const budget = DEFAULT_CONFIG.anonRecordsPerAddress;
    console.log(
      `FLOOD-01: 2,000 anonymous requests from one address → statuses ${JSON.stringify(h)}; ` +
        `store: ${keys.length} keys ${JSON.stringify(byKind)}, ${bytes} bytes (MEMORY USAGE), ${records} pending/signin records ` +
        `(bound: ${budget} records per address per ${DEFAULTS.anonRecordsWindowS} s, each ≤ ${DEFAULTS.maxAnonRecordBytes} bytes)`,
    );
    expect(records).toBeLessThanOrEqual(budget);
    // The records themselves plus a handful of counters and our OSC client: ≤ 2 KB a record.
    expect(keys.length).toBeLessThanOrEqual(budget + 20);
    expect(bytes).toBeLessThanOrEqual(budget * 2_048);
  }, 120_000);

  it("FLOOD-06: a client's refresh succeeds while another address hammers /token, /revoke and /authorize naming it", async () => {
    // The legitimate person signs in first, from their own browser.
    const tokens = await exchange(stack.url, client, await authorize(stack.url, { client }));
    const hammer = await inBatches(1_200, 25, async (i) => {
      const kind = i % 3;
      const res =
        kind === 0
          ? await send(`${stack.url}/token`, {
              method: 'POST',
              headers: from(OTHER, { 'content-type': 'application/x-www-form-urlencoded' }),
              body: new URLSearchParams({
                grant_type: i % 2 ? 'refresh_token' : 'authorization_code',
                refresh_token: `oscm_rt_forged${i}`,
                code: `oscm_code_forged${i}`,
                code_verifier: 'v'.repeat(43),
                client_id: client.client_id,
              }),
            })
          : kind === 1
            ? await send(`${stack.url}/revoke`, {
                method: 'POST',
                headers: from(OTHER, { 'content-type': 'application/x-www-form-urlencoded' }),
                body: new URLSearchParams({ token: `oscm_rt_forged${i}`, client_id: client.client_id }),
              })
            : await authorizeFrom(stack.url, client, OTHER);
      await res.arrayBuffer();
      return res.status;
    });
    console.log(
      `FLOOD-06: 1,200 requests naming the client from another address → ${JSON.stringify(histogram(hammer))}`,
    );
    expect(hammer).toContain(429); // the hammering address met its own failure budget
    const refreshed = await refresh(stack.url, client, tokens.refresh_token);
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    // And a new person can still sign in with that client.
    expect(
      (await exchange(stack.url, client, await authorize(stack.url, { client, user: 'bob' }))).access_token,
    ).toMatch(/^oscm_at_/);
  }, 120_000);
});

describe('every anonymous route has a per-address budget', () => {
  let stack: Stack;
  let client: RegisteredClient;
  beforeAll(async () => {
    stack = await startStack({ env: { TRUST_PROXY: '1', ANON_PAGES_PER_ADDRESS: '5', ANON_API_PER_ADDRESS: '5' } });
    client = await registerClient(stack.url);
  }, 60_000);
  afterAll(async () => stack?.close());

  const postFrom = (path: string, ip: string, body: string, type = 'application/x-www-form-urlencoded') =>
    send(`${stack.url}${path}`, { method: 'POST', headers: from(ip, { 'content-type': type }), body });
  const routes: Array<[string, (ip: string) => Promise<Response>, 'page' | 'oauth']> = [
    ['/authorize', (ip) => authorizeFrom(stack.url, client, ip), 'page'],
    ['/connections', (ip) => send(`${stack.url}/connections`, { headers: from(ip) }), 'page'],
    ['/oauth/callback', (ip) => send(`${stack.url}/oauth/callback?state=x&code=y`, { headers: from(ip) }), 'page'],
    ['/consent', (ip) => postFrom('/consent', ip, 'pending=x&csrf=y'), 'page'],
    [
      '/register',
      (ip) =>
        postFrom(
          '/register',
          ip,
          JSON.stringify({ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' }),
          'application/json',
        ),
      'oauth',
    ],
    ['/token', (ip) => postFrom('/token', ip, 'grant_type=nope'), 'oauth'],
    ['/revoke', (ip) => postFrom('/revoke', ip, `token=t&client_id=${encodeURIComponent(client.client_id)}`), 'oauth'],
  ];

  it.each(routes)(
    'FLOOD-02: %s answers 429 + Retry-After in its own form once the address budget is spent; another address is unaffected',
    async (route, send, form) => {
      const ip = `192.0.2.${routes.findIndex(([r]) => r === route) + 10}`;
      for (let i = 0; i < 5; i++) expect((await send(ip)).status, `${route} #${i}`).not.toBe(429);
      const refused = await send(ip);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      if (form === 'oauth') expect(((await refused.json()) as { error: string }).error).toBe('too_many_requests');
      else expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
      expect((await send('192.0.2.200')).status).not.toBe(429);
    },
  );
});

describe('records anonymous requests create are capped per address, in total and in size', () => {
  let stack: ClockedStack;
  let client: RegisteredClient;
  beforeAll(async () => {
    stack = await startClockedStack({
      env: { TRUST_PROXY: '1', ANON_RECORDS_PER_ADDRESS: '4', ANON_RECORDS_TOTAL: '10' },
    });
    client = await registerClient(stack.url);
  }, 60_000);
  afterAll(async () => stack?.close());

  it('FLOOD-03: past an address share → 429, past the total → 503, each with Retry-After; nothing more stored', async () => {
    const statuses: number[] = [];
    for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3'])
      for (let i = 0; i < 5; i++) {
        const res = await authorizeFrom(stack.url, client, ip);
        await res.arrayBuffer();
        if (res.status !== 200) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        statuses.push(res.status);
      }
    // 4 + 4 + 2 stored; the fifth of each address is its own 429; the third address meets the
    // total (503) while its own share lasts, then its share (429): the address is charged first.
    expect(statuses).toEqual([200, 200, 200, 200, 429, 200, 200, 200, 200, 429, 200, 200, 503, 503, 429]);
    const signIn = await fetch(`${stack.url}/connections`, { redirect: 'manual', headers: from('192.0.2.4') });
    expect(signIn.status).toBe(503);
    expect(Number(signIn.headers.get('retry-after'))).toBeGreaterThan(0);
    const pending = [...(stack.memory as unknown as { entries: Map<string, unknown> }).entries.keys()].filter((k) =>
      k.startsWith('pending:'),
    );
    expect(pending.length).toBe(10);
  });

  it('FLOOD-03: stored parameters longer than 2,000 characters are refused with an OAuth error, nothing stored', async () => {
    const long = 'a'.repeat(DEFAULTS.maxParamChars + 1);
    const before = [...(stack.memory as unknown as { entries: Map<string, unknown> }).entries.keys()].length;
    const res = await authorizeFrom(stack.url, client, '192.0.2.50', long);
    // A registered client's redirect URI is unverified: the error is a link on our page (POLICY-02).
    const back = await expectClientErrorPage(res, {
      redirectUri: REDIRECT_URI,
      issuer: stack.url,
      error: 'invalid_request',
    });
    expect(back.searchParams.get('error_description')).toMatch(/state must be at most 2000 characters/);
    expect(back.searchParams.get('state')).toBeNull();
    const u = new URL(
      authorizeUrl(stack.url, {
        clientId: client.client_id,
        redirectUri: REDIRECT_URI,
        challenge: pkcePair().challenge,
      }),
    );
    u.searchParams.set('scope', `osc:read ${'x'.repeat(DEFAULTS.maxParamChars)}`);
    const scope = await fetch(u, { redirect: 'manual', headers: from('192.0.2.50') });
    await expectClientErrorPage(scope, { redirectUri: REDIRECT_URI, issuer: stack.url, error: 'invalid_scope' });
    const id = await fetch(
      authorizeUrl(stack.url, {
        clientId: `https://x.example/${long}`,
        redirectUri: REDIRECT_URI,
        challenge: pkcePair().challenge,
      }),
      { redirect: 'manual', headers: from('192.0.2.50') },
    );
    expect(id.status).toBe(400);
    expect(await id.text()).toMatch(/longer than 2000 characters/);
    expect([...(stack.memory as unknown as { entries: Map<string, unknown> }).entries.keys()].length).toBe(before);
  });
});

describe('OSC registration failing: sign-ins back off', () => {
  let stack: ClockedStack;
  beforeAll(async () => {
    stack = await startClockedStack({ env: { TRUST_PROXY: '1' } });
  }, 60_000);
  afterAll(async () => stack?.close());

  it('FLOOD-04: one registration per backoff window, "try again" with Retry-After meanwhile; after the pause it registers again', async () => {
    await stack.emulator.control.failNext('oauth.register', { status: 503 }, 'always');
    const signIn = async (i: number) => {
      const res = await fetch(`${stack.url}/connections`, { redirect: 'manual', headers: from(`192.0.2.${i}`) });
      await res.arrayBuffer();
      return res;
    };
    const first = await inBatches(20, 5, signIn);
    expect(first.map((r) => r.status)).toEqual(Array(20).fill(503));
    expect(first.every((r) => Number(r.headers.get('retry-after')) >= 1)).toBe(true);
    expect(await stack.emulator.control.calls('oauth.register')).toBe(1);
    expect(Number(first.at(-1)!.headers.get('retry-after'))).toBeLessThanOrEqual(DEFAULTS.oscRegisterBackoffMs / 1000);

    stack.clock.advance(DEFAULTS.oscRegisterBackoffMs + 1);
    const second = await signIn(30);
    expect(second.status).toBe(503);
    expect(await stack.emulator.control.calls('oauth.register')).toBe(2);
    // The pause doubles while OSC keeps failing.
    expect(Number(second.headers.get('retry-after'))).toBe((2 * DEFAULTS.oscRegisterBackoffMs) / 1000);

    await stack.emulator.control.clearFaults();
    expect((await signIn(31)).status).toBe(503); // still inside the pause: OSC not asked
    expect(await stack.emulator.control.calls('oauth.register')).toBe(2);
    stack.clock.advance(2 * DEFAULTS.oscRegisterBackoffMs + 1);
    expect((await signIn(32)).status).toBe(303);
    expect(await stack.emulator.control.calls('oauth.register')).toBe(3);
  });
});

describe('state-changing POSTs refuse cross-site simple requests', () => {
  let stack: Stack;
  let client: RegisteredClient;
  beforeAll(async () => {
    stack = await startStack();
    client = await registerClient(stack.url);
  }, 60_000);
  afterAll(async () => stack?.close());

  async function consentPage(): Promise<{ browser: Browser; form: URLSearchParams }> {
    const browser = new Browser();
    const page = await browser.get(
      authorizeUrl(stack.url, {
        clientId: client.client_id,
        redirectUri: REDIRECT_URI,
        challenge: pkcePair().challenge,
      }),
    );
    const { pending, csrf } = consentFields(await page.text());
    return { browser, form: new URLSearchParams({ pending, csrf, decision: 'deny' }) };
  }
  const post = (browser: Browser, form: URLSearchParams | string, headers: Record<string, string>) =>
    fetch(`${stack.url}/consent`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...headers },
      body: form,
    });

  it('FLOOD-05: the consent POST with a valid CSRF token and cookie is refused cross-site (Fetch Metadata, Origin, content type) and still works from our page', async () => {
    const { browser, form } = await consentPage();
    const urlencoded = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await post(browser, form, { ...urlencoded, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post(browser, form, { ...urlencoded, 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await post(browser, form, { ...urlencoded, origin: 'https://evil.example' })).status).toBe(403);
    expect((await post(browser, form.toString(), { 'content-type': 'text/plain' })).status).toBe(415);
    // Our own page: same-origin, or Origin null (no-referrer), or no header at all.
    const ok = await post(browser, form, { ...urlencoded, 'sec-fetch-site': 'same-origin', origin: 'null' });
    expect(ok.status).toBe(303);
    expect(new URL(ok.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
  });

  it('FLOOD-05: /connections forms refuse cross-site POSTs before the session is read', async () => {
    for (const path of ['/connections/revoke', '/connections/signout']) {
      const res = await fetch(`${stack.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'sec-fetch-site': 'cross-site' },
        body: 'csrf=x',
      });
      expect(res.status, path).toBe(403);
      expect(await res.text()).toMatch(/sent from another site/);
    }
  });

  it('FLOOD-05: /register takes only application/json: a form or text/plain body → 400 invalid_client_metadata naming the content type', async () => {
    const meta = JSON.stringify({ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await fetch(`${stack.url}/register`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: meta,
      });
      expect(res.status, type).toBe(400);
      const body = (await res.json()) as { error: string; error_description: string };
      expect(body.error).toBe('invalid_client_metadata');
      expect(body.error_description).toMatch(/application\/json/);
    }
  });
});
