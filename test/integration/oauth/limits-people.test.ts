// Limits follow people, not products (docs/limits.md; src/oauth/limits.ts), with the DEFAULT
// limits: 200 people signing in through one metadata-document client id whose token requests
// all come from the vendor's one egress address (as claude.ai's do) all get and refresh their
// tokens; an address flooding /token with bad codes is stopped with 429 + Retry-After, and
// nobody else notices.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { startStack, type Stack } from '../../support/stack.js';
import { authorize, tokenRequest, type RegisteredClient, type Tokens } from '../../support/oauth-flow.js';
import { hostedClient } from '../../support/hosted-clients.js';

const VENDOR_ADDRESS = '160.79.104.10';
const FLOODER_ADDRESS = '203.0.113.66';
const PEOPLE = 200;
const USERS = ['alice', 'bob', 'carol'];

let stack: Stack;
let docs: Server;
let client: RegisteredClient;
const claude = hostedClient('claude.ai (web, Desktop, mobile)');

beforeAll(async () => {
  docs = createServer((req, res) => {
    if (req.url !== claude.path) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(claude.body(base())));
  });
  await new Promise<void>((resolve) => docs.listen(0, '127.0.0.1', resolve));
  // Default limits; one trusted proxy hop so each request can say which address it is from.
  stack = await startStack({ env: { TRUST_PROXY: '1' }, overrides: { cimd: { allowLoopbackHttp: true } } });
  client = { client_id: claude.body(base()).client_id as string, redirect_uris: [claude.redirectUri] };
}, 60_000);
afterAll(async () => {
  await stack?.close();
  docs?.close();
});

function base(): string {
  return `http://127.0.0.1:${(docs.address() as { port: number }).port}`;
}

const from = (address: string) => ({ 'x-forwarded-for': address });

/** One person: their own browser sign-in, then the vendor redeems and refreshes for them. */
async function person(i: number): Promise<Tokens> {
  const r = await authorize(stack.url, {
    client,
    redirectUri: claude.redirectUri,
    user: USERS[i % USERS.length]!,
    state: `person-${i}`,
  });
  const issued = await tokenRequest(
    stack.url,
    {
      grant_type: 'authorization_code',
      code: r.code!,
      code_verifier: r.verifier,
      redirect_uri: r.redirectUri,
      client_id: client.client_id,
    },
    from(VENDOR_ADDRESS),
  );
  expect(issued.status, `person ${i}: ${JSON.stringify(issued.body)}`).toBe(200);
  const refreshed = await tokenRequest(
    stack.url,
    { grant_type: 'refresh_token', refresh_token: String(issued.body.refresh_token), client_id: client.client_id },
    from(VENDOR_ADDRESS),
  );
  expect(refreshed.status, `person ${i} refresh: ${JSON.stringify(refreshed.body)}`).toBe(200);
  return refreshed.body as unknown as Tokens;
}

async function inBatches<T>(n: number, size: number, run: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < n; start += size) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(size, n - start) }, (_, k) => run(start + k)))));
  }
  return out;
}

describe('one metadata-document client, many people, one vendor address', () => {
  it(`${PEOPLE} people each sign in, redeem their code and refresh: all succeed`, async () => {
    const tokens = await inBatches(PEOPLE, 10, person);
    expect(new Set(tokens.map((t) => t.refresh_token)).size).toBe(PEOPLE);
    expect(new Set(tokens.map((t) => t.access_token)).size).toBe(PEOPLE);
  }, 240_000);
});

describe('one address flooding /token with bad codes', () => {
  it('is refused with 429 + Retry-After once its failures are spent; the vendor address and its people are unaffected', async () => {
    const bad = (i: number) =>
      tokenRequest(
        stack.url,
        {
          grant_type: 'authorization_code',
          code: `oscm_code_forged${i}`,
          code_verifier: 'v'.repeat(43),
          client_id: client.client_id,
        },
        from(FLOODER_ADDRESS),
      );
    // The default failure budget is 300 per 15 minutes per address (docs/limits.md).
    const statuses = await inBatches(300, 25, async (i) => (await bad(i)).status);
    expect(statuses.every((s) => s === 400)).toBe(true);
    const stopped = await bad(300);
    expect(stopped.status).toBe(429);
    expect(stopped.body.error).toBe('too_many_requests');
    const retryAfter = Number(stopped.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // Stopped before any work: even a request that would be fine is refused from there.
    expect((await bad(301)).status).toBe(429);

    // The same client id, from the vendor's address, for a new person: unaffected.
    const t = await person(PEOPLE + 1);
    expect(t.access_token).toMatch(/^oscm_at_/);
    // A request that failed from the vendor address costs the vendor one failure, not a block.
    const oneFailure = await tokenRequest(
      stack.url,
      { grant_type: 'refresh_token', refresh_token: 'oscm_rt_unknown', client_id: client.client_id },
      from(VENDOR_ADDRESS),
    );
    expect(oneFailure.status).toBe(400);
    expect((await person(PEOPLE + 2)).access_token).toMatch(/^oscm_at_/);
  }, 120_000);
});
