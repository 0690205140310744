// OAUTH-27, -28, -29, -30: refresh-token rotation, the retry grace, reuse detection, scope
// narrowing and client binding (OAuth 2.1 §4.3, BCP §4.14.2), black-box over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../../src/storage/hash.js';
import {
  connect,
  mcpPost,
  refresh,
  registerClient,
  type RegisteredClient,
  type Tokens,
} from '../../support/oauth-flow.js';
import { expectChallenge } from '../../support/oauth-expect.js';
import { startClockedStack, type ClockedStack } from '../../support/clocked-stack.js';

const toolsList = { jsonrpc: '2.0', id: 1, method: 'tools/list' };

let stack: ClockedStack;
beforeAll(async () => {
  stack = await startClockedStack();
});
afterAll(() => stack.close());

async function rotate(client: RegisteredClient, rt: string, extra: Record<string, string> = {}): Promise<Tokens> {
  const res = await refresh(stack.url, client, rt, extra);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.headers.get('cache-control')).toMatch(/no-store/);
  const t = res.body as unknown as Tokens;
  expect(t.refresh_token).not.toBe(rt);
  return t;
}

async function expectInvalidGrant(client: RegisteredClient, rt: string): Promise<void> {
  const res = await refresh(stack.url, client, rt);
  expect(res.status).toBe(400);
  expect(res.body.error).toBe('invalid_grant');
  expect(res.body.access_token).toBeUndefined();
}

const grantOf = async (at: string) => (await stack.store.get('access', hashSecret(at)))!.grantId;
const opens = async (at: string) => (await mcpPost(stack.mcpUrl, at, toolsList)).status;

describe('OAUTH-27: reuse of a rotated refresh token revokes the grant', () => {
  it('RT1 → RT2 → RT3, then RT1 again → invalid_grant; RT3 and every AT of the grant are dead', async () => {
    const { client, tokens: t1 } = await connect(stack.url);
    const grantId = await grantOf(t1.access_token);
    const t2 = await rotate(client, t1.refresh_token);
    const t3 = await rotate(client, t2.refresh_token);
    // REFRESH-04: the current and the previous access token stay live, the older one is gone.
    await expectChallenge(await mcpPost(stack.mcpUrl, t1.access_token, toolsList), stack.url);
    for (const t of [t2, t3]) expect(await opens(t.access_token)).toBe(200);

    await expectInvalidGrant(client, t1.refresh_token);

    await expectInvalidGrant(client, t3.refresh_token);
    for (const t of [t1, t2, t3])
      await expectChallenge(await mcpPost(stack.mcpUrl, t.access_token, toolsList), stack.url);
    expect(await stack.store.get('grant', grantId)).toBeUndefined();
  });
});

describe('OAUTH-28: one retry with the previous refresh token', () => {
  it('two refreshes with RT1 (a retry) both succeed; after the newest RT is used, RT1 → invalid_grant and the grant is revoked', async () => {
    const { client, tokens: t1 } = await connect(stack.url);
    const grantId = await grantOf(t1.access_token);
    const a = await rotate(client, t1.refresh_token);
    const b = await rotate(client, t1.refresh_token); // the client lost the first answer and retries
    // REFRESH-01: the retry gets the same pair, so whichever answer the client kept is current.
    expect(b.refresh_token).toBe(a.refresh_token);
    expect(b.access_token).toBe(a.access_token);
    expect(await opens(b.access_token)).toBe(200);

    const c = await rotate(client, b.refresh_token); // the newest RT is used…
    expect(await opens(c.access_token)).toBe(200);
    await expectInvalidGrant(client, t1.refresh_token); // …so the grace of RT1 is over: reuse

    await expectInvalidGrant(client, c.refresh_token);
    await expectChallenge(await mcpPost(stack.mcpUrl, c.access_token, toolsList), stack.url);
    expect(await stack.store.get('grant', grantId)).toBeUndefined();
  });

  it('the previous RT answers a retry for 60 s at most: at +61 s it is reuse, and the grant is revoked', async () => {
    const { client, tokens: t1 } = await connect(stack.url);
    const grantId = await grantOf(t1.access_token);
    const a = await rotate(client, t1.refresh_token);
    stack.clock.advance(61_000);
    await expectInvalidGrant(client, t1.refresh_token);
    await expectInvalidGrant(client, a.refresh_token);
    await expectChallenge(await mcpPost(stack.mcpUrl, a.access_token, toolsList), stack.url);
    expect(await stack.store.get('grant', grantId)).toBeUndefined();
  });
});

describe('OAUTH-29: scopes narrow, never widen', () => {
  it('asking osc:read → scope osc:read; the new RT keeps the original scope; asking osc:admin → invalid_scope', async () => {
    const { client, tokens: t1 } = await connect(stack.url, { scope: 'osc:read osc:write' });
    expect(t1.scope).toBe('osc:read osc:write');

    const narrow = await rotate(client, t1.refresh_token, { scope: 'osc:read' });
    expect(narrow.scope).toBe('osc:read');
    expect((await stack.store.get('access', hashSecret(narrow.access_token)))!.scopes).toEqual(['osc:read']);

    const wide = await rotate(client, narrow.refresh_token);
    expect(wide.scope).toBe('osc:read osc:write');

    for (const scope of ['osc:admin', 'osc:read osc:admin']) {
      const res = await refresh(stack.url, client, wide.refresh_token, { scope });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_scope');
      expect(res.body.access_token).toBeUndefined();
    }
    // A refused scope request consumed nothing.
    await rotate(client, wide.refresh_token);
  });

  it('a grant approved for osc:read only cannot be widened to osc:write at refresh', async () => {
    const { client, tokens } = await connect(stack.url, { scope: 'osc:read' });
    expect(tokens.scope).toBe('osc:read');
    const res = await refresh(stack.url, client, tokens.refresh_token, { scope: 'osc:read osc:write' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
  });
});

describe('OAUTH-30: refresh tokens are bound to their client', () => {
  it("B presenting A's RT → invalid_grant; A's RT still works", async () => {
    const { client: a, tokens } = await connect(stack.url);
    const b = await registerClient(stack.url, { client_name: 'Client B' });
    const res = await refresh(stack.url, b, tokens.refresh_token);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(res.body.access_token).toBeUndefined();
    const ok = await rotate(a, tokens.refresh_token);
    expect(await opens(ok.access_token)).toBe(200);
  });
});

describe('refresh families (issue 18): one record per grant, rotated tokens still caught', () => {
  it('a token forged inside a family it does not own is not accepted, and a foreign family changes nothing', async () => {
    const { client, tokens } = await connect(stack.url);
    const t2 = await rotate(client, tokens.refresh_token);
    // Same family prefix, other randomness: to the server it is a rotated token of this grant.
    const family = t2.refresh_token.slice(0, 'oscm_rt_'.length + 22);
    const forged = family + 'A'.repeat(43);
    await expectInvalidGrant(client, forged);
    // Only someone who held a token of the family could do that: the grant is gone.
    await expectInvalidGrant(client, t2.refresh_token);
    // An unknown family is just invalid: another grant is untouched.
    const other = await connect(stack.url);
    await expectInvalidGrant(other.client, `oscm_rt_${'B'.repeat(22)}${'C'.repeat(43)}`);
    expect(await opens(other.tokens.access_token)).toBe(200);
    await rotate(other.client, other.tokens.refresh_token);
  });

  it('a refresh token issued before families (its own record) rotates into a family; its reuse still revokes', async () => {
    const { client, tokens } = await connect(stack.url);
    const grantId = await grantOf(tokens.access_token);
    // Turn the grant's token into the earlier shape: a 43-char token with its own record.
    const legacy = `oscm_rt_${'L'.repeat(43)}`;
    const grant = (await stack.store.get('grant', grantId))!;
    expect(
      await stack.store.casGrant(
        { ...grant, version: grant.version + 1, refresh: { current: hashSecret(legacy) } },
        grant.version,
        3600,
      ),
    ).toBe(true);
    await stack.store.put('refresh', hashSecret(legacy), { grantId, clientId: client.client_id }, 3600);
    const t2 = await rotate(client, legacy);
    expect(t2.refresh_token).toMatch(/^oscm_rt_[A-Za-z0-9_-]{65}$/);
    const t3 = await rotate(client, t2.refresh_token);
    await expectInvalidGrant(client, legacy);
    await expectInvalidGrant(client, t3.refresh_token);
    expect(await stack.store.get('grant', grantId)).toBeUndefined();
  });
});
