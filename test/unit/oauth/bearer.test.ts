/**
 * The bearer check's two phases (src/oauth/bearer.ts, issue 18) on a real Express app over
 * loopback HTTP, with the memory store: a remembered access record lets `admit` send every read
 * in one wave; the memory is bounded, forgets expired and deleted tokens, and the tool-call
 * budget is spent in the same wave.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createBearer } from '../../../src/oauth/bearer.js';
import type { UpstreamRefresher } from '../../../src/osc/lifecycle/refresh.js';
import { hashSecret } from '../../../src/storage/hash.js';
import { MemoryTokenStore } from '../../../src/storage/memory-store.js';
import { createRateLimiter } from '../../../src/storage/rate-limits.js';
import { sampleGrant } from '../../support/store-contract-harness.js';

const RESOURCE = 'https://mcp.example.com/mcp';
const T0 = 1_700_000_000_000;
const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

let clock = T0;
let store: MemoryTokenStore;
/** Store reads in waves: a read sent while none is in flight starts a new one. */
let waves = 0;
let reads = 0;

beforeEach(() => {
  clock = T0;
  store = new MemoryTokenStore({ now: () => clock, sweepIntervalMs: 0 });
  const get = store.get.bind(store);
  let inFlight = 0;
  store.get = ((kind, id) => {
    if (inFlight === 0) waves++;
    inFlight++;
    reads++;
    return get(kind, id).finally(() => inFlight--);
  }) as typeof store.get;
});

const refresher: UpstreamRefresher = {
  ensureFresh: async (grant) => ({ grant, accessToken: 'pat' }),
  replace: async () => {
    throw new Error('not used');
  },
  revoke: async () => undefined,
};

async function serve(o: { hintEntries?: number; budget?: number } = {}): Promise<string> {
  const bearer = createBearer({
    store,
    refresher,
    resource: RESOURCE,
    resourceMetadataUrl: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
    log: pino({ level: 'silent' }),
    now: () => clock,
    hintEntries: o.hintEntries,
    toolCalls:
      o.budget === undefined
        ? undefined
        : createRateLimiter({ keyPrefix: 'rl:tools', points: o.budget, durationS: 60 }),
  });
  const app = express();
  app.post('/mcp', bearer.check, async (req, res) => {
    if (await bearer.admit(req, res, Number(req.headers['x-calls'] ?? 0))) res.json({ extra: req.auth?.extra });
  });
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

/** A live grant and an access token for it (1 h). */
async function token(name: string): Promise<{ token: string; grantId: string }> {
  const grant = sampleGrant();
  await store.put('grant', grant.id, grant, 3600);
  const t = `oscm_at_${name.padEnd(43, 'x')}`;
  await store.put(
    'access',
    hashSecret(t),
    { grantId: grant.id, clientId: 'c-1', scopes: ['osc:read'], resource: RESOURCE, expiresAt: T0 + 3_600_000 },
    3600,
  );
  return { token: t, grantId: grant.id };
}

async function post(url: string, t: string, calls = 0) {
  waves = 0;
  reads = 0;
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${t}`, 'x-calls': String(calls) } });
  return { status: res.status, body: await res.text(), retryAfter: res.headers.get('retry-after'), waves, reads };
}

describe('createBearer', () => {
  it('a token seen before: its record, grant and suspension read in one wave', async () => {
    const url = await serve();
    const a = await token('a');
    expect(await post(url, a.token)).toMatchObject({ status: 200, waves: 2, reads: 3 });
    const again = await post(url, a.token);
    expect(again).toMatchObject({ status: 200, waves: 1, reads: 3 });
    expect(JSON.parse(again.body).extra).toEqual({ grantId: a.grantId, tenantId: 'tenant-ø' });
  });

  it('remembers at most hintEntries tokens, the oldest forgotten first', async () => {
    const url = await serve({ hintEntries: 2 });
    const [a, b, c] = [await token('a'), await token('b'), await token('c')];
    for (const t of [a, b, c]) expect((await post(url, t.token)).status).toBe(200);
    expect((await post(url, c.token)).waves).toBe(1);
    expect((await post(url, b.token)).waves).toBe(1);
    expect((await post(url, a.token)).waves).toBe(2); // forgotten: read again in the first phase
  });

  it('an expired token is refused without a store read, a deleted one at its next request, and then forgotten', async () => {
    const url = await serve();
    const a = await token('a');
    const b = await token('b');
    expect((await post(url, a.token)).status).toBe(200);
    expect((await post(url, b.token)).status).toBe(200);
    await store.delete('access', hashSecret(b.token));
    expect(await post(url, b.token)).toMatchObject({ status: 401, waves: 1 });
    expect(await post(url, b.token)).toMatchObject({ status: 401, waves: 1, reads: 1 });
    clock = T0 + 3_600_000;
    expect(await post(url, a.token)).toMatchObject({ status: 401, reads: 0 });
  });

  it('a revoked grant answers 401 for a remembered token', async () => {
    const url = await serve();
    const a = await token('a');
    expect((await post(url, a.token)).status).toBe(200);
    await store.revokeGrant(a.grantId);
    const r = await post(url, a.token);
    expect(r.status).toBe(401);
  });

  it('spends the tool-call budget in the same wave: n calls spend n, over it 429 with Retry-After', async () => {
    const url = await serve({ budget: 3 });
    const a = await token('a');
    expect((await post(url, a.token, 2)).status).toBe(200);
    expect(await post(url, a.token, 1)).toMatchObject({ status: 200, waves: 1 });
    const over = await post(url, a.token, 1);
    expect(over.status).toBe(429);
    expect(Number(over.retryAfter)).toBeGreaterThan(0);
    // A request without tool calls spends nothing and still passes.
    expect((await post(url, a.token, 0)).status).toBe(200);
  });
});
