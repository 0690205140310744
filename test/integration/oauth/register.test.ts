// OAUTH-04, -05, -06, -07: dynamic client registration (RFC 7591) over HTTP against the real app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../../src/storage/memory-store.js';
import { startStack, type Stack } from '../../support/stack.js';
import { expectLocalError } from '../../support/oauth-expect.js';
import { startClockedStack, type ClockedStack } from '../../support/clocked-stack.js';
import { authorizeUrl } from '../../support/oauth-flow.js';
import { pkcePair } from '../../support/emulator.js';
import { REFUSED_AT_REGISTRATION } from '../../support/redirect-cases.js';

const CLIENT_ID_RE = /^[A-Za-z0-9_-]{43,}$/;

let stack: Stack;
let store: MemoryTokenStore;
// Behind one trusted proxy hop, so each test can speak from its own client address and the
// per-IP registration budget of one test does not leak into another.
beforeAll(async () => {
  store = new MemoryTokenStore();
  stack = await startStack({ store, env: { TRUST_PROXY: '1', REGISTRATIONS_PER_HOUR: '20' } });
});
afterAll(() => stack.close());

let ipCounter = 1;
const nextIp = () => `198.51.100.${ipCounter++}`;

async function register(body: unknown, ip: string, raw?: string) {
  const res = await fetch(`${stack.url}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: raw ?? JSON.stringify(body),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* not JSON */
  }
  return { res, status: res.status, json, text };
}

describe('OAUTH-04: server-generated client ids', () => {
  it('ignores a client-supplied client_id and client_secret; a public client gets no secret', async () => {
    const ip = nextIp();
    const supplied = { client_id: 'attacker-chosen-client-id', client_secret: 'attacker-chosen-secret-0123456789' };
    const r = await register(
      {
        ...supplied,
        client_name: 'Public',
        redirect_uris: ['https://c.example/cb'],
        token_endpoint_auth_method: 'none',
      },
      ip,
    );
    expect(r.status).toBe(201);
    expect(r.res.headers.get('cache-control')).toMatch(/no-store/);
    const id = r.json.client_id as string;
    expect(id).toMatch(CLIENT_ID_RE);
    expect(id).not.toBe(supplied.client_id);
    expect(r.json.client_secret).toBeUndefined();
    expect(r.text).not.toContain(supplied.client_secret);
    expect(r.text).not.toContain(supplied.client_id);
    // What is stored is the generated client, without any secret.
    const rec = await store.get('client', id);
    expect(rec?.clientId).toBe(id);
    expect(rec?.secretHash).toBeUndefined();
    expect(await store.get('client', supplied.client_id)).toBeUndefined();
  });

  it('a confidential client gets a generated secret (≥ 256 bits), never the supplied one, stored only hashed', async () => {
    const ip = nextIp();
    const r = await register(
      {
        client_id: 'mine',
        client_secret: 'my-own-secret-0123456789abcdef',
        client_name: 'Confidential',
        redirect_uris: ['https://c.example/cb'],
        token_endpoint_auth_method: 'client_secret_post',
      },
      ip,
    );
    expect(r.status).toBe(201);
    expect(r.res.headers.get('cache-control')).toMatch(/no-store/);
    const id = r.json.client_id as string;
    const secret = r.json.client_secret as string;
    expect(id).toMatch(CLIENT_ID_RE);
    expect(id).not.toBe('mine');
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(secret).not.toBe('my-own-secret-0123456789abcdef');
    const rec = await store.get('client', id);
    expect(rec?.secretHash).toBeTypeOf('string');
    expect(JSON.stringify(rec)).not.toContain(secret);
  });

  it('two registrations get two different ids', async () => {
    const ip = nextIp();
    const a = await register(
      { client_name: 'A', redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'none' },
      ip,
    );
    const b = await register(
      { client_name: 'B', redirect_uris: ['https://b.example/cb'], token_endpoint_auth_method: 'none' },
      ip,
    );
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.json.client_id).not.toBe(b.json.client_id);
  });
});

describe('OAUTH-05: redirect URI validation at registration', () => {
  const refused = REFUSED_AT_REGISTRATION;
  it.each(refused)('refuses %j with 400 invalid_redirect_uri and stores nothing', async (uri) => {
    const before = store.size;
    // Alone, and hidden behind a valid one.
    for (const uris of [[uri], ['https://c.example/cb', uri]]) {
      const r = await register({ client_name: 'X', redirect_uris: uris, token_endpoint_auth_method: 'none' }, nextIp());
      expect(r.status).toBe(400);
      expect(r.json.error).toBe('invalid_redirect_uri');
      expect(r.res.headers.get('location')).toBeNull();
    }
    expect(store.size).toBe(before);
  });

  it.each(['https://c.example/cb', 'http://127.0.0.1:7777/cb', 'http://localhost/cb'])(
    'accepts %j (201, stored exactly)',
    async (uri) => {
      const r = await register(
        { client_name: `ok ${uri}`, redirect_uris: [uri], token_endpoint_auth_method: 'none' },
        nextIp(),
      );
      expect(r.status).toBe(201);
      expect(r.json.redirect_uris).toEqual([uri]);
      expect((await store.get('client', r.json.client_id as string))?.redirectUris).toEqual([uri]);
    },
  );
});

describe('OAUTH-06: size, count, name and grant type limits', () => {
  const base = { client_name: 'Limits', redirect_uris: ['https://c.example/cb'], token_endpoint_auth_method: 'none' };

  it('a 17 KB body → 413', async () => {
    const before = store.size;
    const r = await register({ ...base, client_uri: `https://c.example/${'x'.repeat(17 * 1024)}` }, nextIp());
    expect(r.status).toBe(413);
    expect(store.size).toBe(before);
  });

  it.each([
    ['17 redirect URIs', { redirect_uris: Array.from({ length: 17 }, (_, i) => `https://c.example/cb${i}`) }],
    ['17 grant types', { grant_types: Array.from({ length: 17 }, (_, i) => `urn:x:${i}`) }],
    [
      'grant_types without authorization_code',
      { grant_types: ['refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'] },
    ],
    ['response_types without code', { response_types: ['token'] }],
    ['token_endpoint_auth_method client_secret_jwt', { token_endpoint_auth_method: 'client_secret_jwt' }],
    ['private_key_jwt without keys', { token_endpoint_auth_method: 'private_key_jwt' }],
    [
      'private_key_jwt with a private key',
      {
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'secret' }] },
      },
    ],
    [
      'private_key_jwt with a jwks_uri on a private address',
      { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://10.0.0.1/jwks.json' },
    ],
    ['client_name of 101 chars', { client_name: 'n'.repeat(101) }],
    ['client_name with NUL', { client_name: 'evil\u0000name' }],
    ['grant_types password', { grant_types: ['password'] }],
    ['grant_types implicit', { grant_types: ['implicit'] }],
    ['grant_types client_credentials', { grant_types: ['client_credentials'] }],
  ])('%s → 400 invalid_client_metadata, nothing stored', async (_name, patch) => {
    const before = store.size;
    const r = await register({ ...base, ...patch }, nextIp());
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('invalid_client_metadata');
    expect(store.size).toBe(before);
  });

  it('the limits are where they say: 16 redirect URIs and a 100-char name pass', async () => {
    const r = await register(
      {
        ...base,
        client_name: 'n'.repeat(100),
        redirect_uris: Array.from({ length: 16 }, (_, i) => `https://c.example/cb${i}`),
      },
      nextIp(),
    );
    expect(r.status).toBe(201);
  });

  it('logo_uri "http://x" → 400, or accepted with the logo dropped (never stored as http)', async () => {
    const r = await register({ ...base, client_name: 'Logo', logo_uri: 'http://x' }, nextIp());
    if (r.status === 400) {
      expect(r.json.error).toBe('invalid_client_metadata');
      return;
    }
    expect(r.status).toBe(201);
    expect(r.text).not.toContain('http://x');
    const rec = await store.get('client', r.json.client_id as string);
    expect(rec).toBeDefined();
    expect(JSON.stringify(rec)).not.toContain('http://x');
  });
});

describe('OAUTH-07: registration rate limit (one replica)', () => {
  it('100 identical registrations from one address all succeed with one client id and cost one registration of the budget', async () => {
    const ip = nextIp();
    const body = {
      client_name: 'Hosted',
      redirect_uris: ['https://hosted.example/cb'],
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      token_endpoint_auth_method: 'none',
    };
    const ids = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const r = await register(body, ip);
      expect(r.status, `registration ${i + 1}`).toBe(201);
      ids.add(r.json.client_id as string);
    }
    expect(ids.size).toBe(1);
    // 19 new ones still fit in this address's budget of 20 (REGISTRATIONS_PER_HOUR=20 here).
    for (let i = 0; i < 19; i++) expect((await register({ ...body, client_name: `Hosted ${i}` }, ip)).status).toBe(201);
    expect((await register({ ...body, client_name: 'Hosted 20' }, ip)).status).toBe(429);
    // The deduplicated one is still free.
    expect((await register(body, ip)).status).toBe(201);
  });

  it('the 21st new registration from one address in an hour → 429 with Retry-After; other addresses unaffected', async () => {
    const ip = nextIp();
    for (let i = 0; i < 20; i++) {
      const r = await register(
        { client_name: `burst ${i}`, redirect_uris: [`https://c.example/cb${i}`], token_endpoint_auth_method: 'none' },
        ip,
      );
      expect(r.status, `registration ${i + 1}`).toBe(201);
    }
    const before = store.size;
    const r = await register(
      { client_name: 'burst 21', redirect_uris: ['https://c.example/cb21'], token_endpoint_auth_method: 'none' },
      ip,
    );
    expect(r.status).toBe(429);
    const retryAfter = Number(r.res.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(r.json.client_id).toBeUndefined();
    expect(store.size).toBe(before);
    // The budget is per address.
    const other = await register(
      { client_name: 'other', redirect_uris: ['https://c.example/other'], token_endpoint_auth_method: 'none' },
      nextIp(),
    );
    expect(other.status).toBe(201);
  });
});

describe('OAUTH-07: unused registrations expire (24 h)', () => {
  let clocked: ClockedStack;
  beforeAll(async () => {
    clocked = await startClockedStack();
  });
  afterAll(() => clocked.close());

  const open = (clientId: string) => {
    const { challenge } = pkcePair();
    return fetch(authorizeUrl(clocked.url, { clientId, redirectUri: 'https://c.example/cb', challenge }), {
      redirect: 'manual',
    });
  };

  it('a client never used is still there at +23 h, gone at +25 h (local error at /authorize)', async () => {
    const res = await fetch(`${clocked.url}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'Never used',
        redirect_uris: ['https://c.example/cb'],
        token_endpoint_auth_method: 'none',
      }),
    });
    expect(res.status).toBe(201);
    const { client_id } = (await res.json()) as { client_id: string };
    clocked.clock.advance(23 * 3600_000);
    const alive = await open(client_id);
    expect(alive.status).toBe(200);
    await alive.text();
    clocked.clock.advance(2 * 3600_000);
    await expectLocalError(await open(client_id));
  });
});
