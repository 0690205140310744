// REFRESH-01, REFRESH-02: concurrent refreshes with one refresh token inside the grace window
// get the same successor pair and never revoke the grant; after the window the same token is
// a replay that revokes the grant. REFRESH-04: at most two access tokens live per grant. The token endpoint over the memory store, with an injected
// clock (src/oauth/rotation.ts, src/oauth/issue.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import type { Server } from 'node:http';
import pino from 'pino';
import { tokenRouter } from '../../../src/oauth/token.js';
import { createClientDirectory } from '../../../src/oauth/clients.js';
import { createCimdResolver } from '../../../src/oauth/cimd.js';
import { newPair, storePair } from '../../../src/oauth/issue.js';
import { MemoryTokenStore } from '../../../src/storage/memory-store.js';
import { hashSecret } from '../../../src/storage/hash.js';
import { createSealer } from '../../../src/storage/seal.js';
import type { GrantRecord } from '../../../src/storage/records.js';
import { DEFAULTS } from '../../../src/defaults.js';

const lifetimes = { accessTokenTtlS: 3600, refreshTokenTtlS: 30 * 24 * 3600 };
const allow = { allowed: true, retryAfterS: 0 };
const budget = { consume: async () => allow, peek: async () => allow };

let now = 1_700_000_000_000;
const store = new MemoryTokenStore({ now: () => now, sweepIntervalMs: 0 });
let server: Server;
let base: string;

beforeAll(async () => {
  await store.put(
    'client',
    'client-1',
    {
      clientId: 'client-1',
      redirectUris: ['https://app.example/cb'],
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      tokenEndpointAuthMethod: 'none',
      source: 'dcr',
      createdAt: now,
    },
    3600,
  );
  const app = express();
  app.use(
    tokenRouter({
      store,
      clients: createClientDirectory(store, createCimdResolver()),
      resource: 'https://mcp.example/mcp',
      lifetimes,
      limits: { perCredential: budget, failuresPerAddress: budget },
      log: pino({ level: 'silent' }),
      deriver: createSealer([Buffer.alloc(32, 9)]),
      now: () => now,
    }),
  );
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => {
  server?.close();
  store.close();
});

/**
 * A grant whose code was redeemed: its first refresh token is current. `legacy`: written before
 * grants named their newest access token (no `access`), as the earlier cases keep it.
 */
async function grantWithToken(id: string, legacy = true): Promise<string> {
  const pair = newPair();
  const grant: GrantRecord = {
    id,
    version: 1,
    clientId: 'client-1',
    scopes: ['osc:read', 'osc:write'],
    resource: 'https://mcp.example/mcp',
    tenantId: 't',
    userId: `u-${id}`,
    createdAt: now,
    oscSealed: 'sealed',
    oscExpiresAt: now + 3_600_000,
    oscLifetimeMs: 3_600_000,
    oscClientId: 'osc-client',
    refresh: { current: pair.refreshHash },
    ...(legacy ? {} : { access: hashSecret(pair.accessToken) }),
  };
  await store.put('grant', id, grant, lifetimes.refreshTokenTtlS);
  await storePair(store, grant, pair, grant.scopes, lifetimes, now);
  return pair.refreshToken;
}

async function refresh(rt: string): Promise<{ status: number; body: Record<string, string> }> {
  const res = await fetch(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: rt, client_id: 'client-1' }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe('REFRESH-01: refreshes racing with one token get one successor', () => {
  it('10 parallel refreshes → all 200 with the same access and refresh token; the grant lives and rotated once', async () => {
    const rt = await grantWithToken('g-race');
    const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(rt)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    const first = answers[0]!.body;
    for (const a of answers) {
      expect(a.body.refresh_token).toBe(first.refresh_token);
      expect(a.body.access_token).toBe(first.access_token);
    }
    expect(first.refresh_token).not.toBe(rt);
    const grant = (await store.get('grant', 'g-race'))!;
    expect(grant.version).toBe(2);
    // The successor works, and once used, it rotates on.
    const next = await refresh(first.refresh_token!);
    expect(next.status).toBe(200);
    expect(next.body.refresh_token).not.toBe(first.refresh_token);
  });

  it('a retry later inside the grace window gets the same pair again', async () => {
    const rt = await grantWithToken('g-retry');
    const a = await refresh(rt);
    now += DEFAULTS.refreshGraceMs - 1;
    const b = await refresh(rt);
    expect(b.status).toBe(200);
    expect(b.body.refresh_token).toBe(a.body.refresh_token);
    expect(b.body.access_token).toBe(a.body.access_token);
    expect(await store.get('grant', 'g-retry')).toBeDefined();
  });
});

describe('REFRESH-02: after the grace window the same token is a replay', () => {
  it('invalid_grant, and the grant with every token issued under it is revoked', async () => {
    const rt = await grantWithToken('g-late');
    const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(rt)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    now += DEFAULTS.refreshGraceMs;
    const late = await refresh(rt);
    expect(late.status).toBe(400);
    expect(late.body.error).toBe('invalid_grant');
    expect(await store.get('grant', 'g-late')).toBeUndefined();
    const successor = await refresh(answers[0]!.body.refresh_token!);
    expect(successor.body.error).toBe('invalid_grant');
  });
});

describe('REFRESH-04: a grant keeps at most its current and its previous access token', () => {
  const live = async (tokens: string[]) =>
    (await Promise.all(tokens.map((t) => store.get('access', hashSecret(t))))).map((r) => r !== undefined);

  it('24 refreshes leave two live access tokens, the newest two; parallel refreshes all get the same live pair', async () => {
    let rt = await grantWithToken('g-bounded', false);
    const issued: string[] = [];
    for (let i = 0; i < 24; i++) {
      // Ten racing requests with one token (REFRESH-01): one pair, and it stays live.
      const answers = await Promise.all(Array.from({ length: i === 12 ? 10 : 1 }, () => refresh(rt)));
      for (const a of answers) expect(a.body.access_token).toBe(answers[0]!.body.access_token);
      issued.push(answers[0]!.body.access_token!);
      rt = answers[0]!.body.refresh_token!;
      now += 60_000;
    }
    const states = await live(issued);
    expect(states.slice(-2)).toEqual([true, true]);
    expect(states.slice(0, -2)).toEqual(Array(22).fill(false));
    let accessRecords = 0;
    for await (const batch of store.scan('access'))
      accessRecords += batch.filter(([, r]) => r.grantId === 'g-bounded').length;
    expect(accessRecords).toBe(2);
    // A retry of the last refresh token inside its grace changes nothing.
    expect((await store.get('grant', 'g-bounded'))!.access).toBe(hashSecret(issued[23]!));
    // Revocation still ends both.
    await store.revokeGrant('g-bounded');
    expect(await live(issued.slice(-2))).toEqual([false, false]);
  });

  it('a grant written before `access` existed keeps its tokens until the first rotation names one', async () => {
    const rt = await grantWithToken('g-legacy-access');
    const first = await refresh(rt);
    const second = await refresh(first.body.refresh_token!);
    const third = await refresh(second.body.refresh_token!);
    expect(await live([first, second, third].map((a) => a.body.access_token!))).toEqual([false, true, true]);
  });
});
