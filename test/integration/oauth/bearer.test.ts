// OAUTH-32, -33 and a dead upstream grant: the bearer check in front of /mcp (OAuth 2.1
// §5, RFC 6750 §3, MCP authorization "Token Handling", RFC 6750 §2.3; the OSC side: docs/architecture.md, "Token lifecycle"), black-box over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../../src/storage/hash.js';
import { connect, mcpPost, refresh, registerClient, type Tokens } from '../../support/oauth-flow.js';
import { approveAtEmulator } from '../../support/emulator.js';
import { decide, openConsent } from '../../support/consent-steps.js';
import { expectChallenge } from '../../support/oauth-expect.js';
import { listenUrl } from '../../support/stack.js';
import { startClockedStack, type ClockedStack } from '../../support/clocked-stack.js';

const toolsList = { jsonrpc: '2.0', id: 1, method: 'tools/list' };

let stack: ClockedStack;
beforeAll(async () => {
  stack = await startClockedStack();
});
afterAll(() => stack.close());

const post = (at: string | undefined, headers: Record<string, string> = {}, url = stack.mcpUrl) =>
  mcpPost(url, at, toolsList, headers);

describe('OAUTH-32: only our own, live, header-borne tokens for our resource', () => {
  let tokens: Tokens;
  let clientId: string;
  beforeAll(async () => {
    const c = await connect(stack.url);
    tokens = c.tokens;
    clientId = c.client.client_id;
  });

  it('the valid AT in the Authorization header → 200 (control)', async () => {
    expect((await post(tokens.access_token)).status).toBe(200);
  });

  it('the AT in ?access_token= → challenge', async () => {
    await expectChallenge(
      await post(undefined, {}, `${stack.mcpUrl}?access_token=${encodeURIComponent(tokens.access_token)}`),
      stack.url,
      { credentialless: true },
    );
  });

  it('the AT in a form body field → challenge', async () => {
    const res = await fetch(stack.mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json, text/event-stream' },
      body: new URLSearchParams({ access_token: tokens.access_token }),
    });
    await expectChallenge(res, stack.url, { credentialless: true });
  });

  it('"Bearer" with no token → challenge', async () => {
    for (const authorization of ['Bearer', 'Bearer ', 'Bearer  ']) {
      await expectChallenge(await post(undefined, { authorization }), stack.url, { credentialless: true });
    }
  });

  it('Basic credentials → challenge', async () => {
    const basic = Buffer.from(`${clientId}:${tokens.access_token}`).toString('base64');
    await expectChallenge(await post(undefined, { authorization: `Basic ${basic}` }), stack.url, {
      credentialless: true,
    });
  });

  it('an unknown token of the right shape → challenge with invalid_token', async () => {
    await expectChallenge(await post(`oscm_at_${'A'.repeat(43)}`), stack.url);
    await expectChallenge(await post(tokens.refresh_token), stack.url); // a refresh token is not an access token
  });

  it('an AT minted by another configuration (resource https://other.example/mcp) on the same store → challenge', async () => {
    const other = await stack.addReplica({ PUBLIC_URL: 'https://other.example' });
    const base = listenUrl(other);
    const client = await registerClient(base, { client_name: 'Other config' });
    const c = await openConsent(base, client);
    const toOsc = await decide(base, c);
    expect(toOsc.status).toBe(303);
    const back = await approveAtEmulator(toOsc.headers.get('location')!, 'alice');
    expect(back.origin).toBe('https://other.example');
    const cb = await c.browser.get(`${base}${back.pathname}${back.search}`);
    expect(cb.status).toBe(303);
    const code = new URL(cb.headers.get('location')!).searchParams.get('code')!;
    const res = await fetch(`${base}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        code_verifier: c.verifier,
        redirect_uri: c.redirectUri,
        client_id: client.client_id,
      }),
    });
    expect(res.status).toBe(200);
    const foreign = ((await res.json()) as Tokens).access_token;
    // A live token in the shared store, just for another resource.
    const rec = await stack.store.get('access', hashSecret(foreign));
    expect(rec?.resource).toBe('https://other.example/mcp');
    await expectChallenge(await post(foreign), stack.url);
  });

  it('an expired AT (clock +3601 s) → challenge with invalid_token', async () => {
    const { tokens: mine } = await connect(stack.url);
    expect((await post(mine.access_token)).status).toBe(200);
    stack.clock.advance(3601_000);
    await expectChallenge(await post(mine.access_token), stack.url);
  });
});

describe('OAUTH-33: no token passthrough', () => {
  it('an OSC PAT as our bearer token → challenge, and the emulator sees nothing', async () => {
    const { tokens } = await connect(stack.url, { user: 'carol' }); // a grant exists whose PAT we could be fooled by
    expect((await post(tokens.access_token)).status).toBe(200);
    const minted = await stack.emulator.control.mint('carol');
    const pats = (await stack.emulator.control.canaries()).filter((v) => v.split('.').length === 3);
    expect(pats).toContain(minted.access_token);
    const before = await stack.emulator.control.stats();
    for (const pat of [minted.access_token, minted.refresh_token, ...pats]) {
      await expectChallenge(await post(pat), stack.url);
    }
    expect(await stack.emulator.control.stats()).toEqual(before);
  });
});

describe('a grant whose OSC authorization can no longer be refreshed', () => {
  it('OSC revoked the user: the next request that needs a refresh → challenge (not 500); our RT → invalid_grant; others unaffected', async () => {
    const alice = await connect(stack.url, { user: 'alice' });
    const bob = await connect(stack.url, { user: 'bob' });
    expect((await post(alice.tokens.access_token)).status).toBe(200);
    expect((await post(bob.tokens.access_token)).status).toBe(200);
    const grantId = (await stack.store.get('access', hashSecret(alice.tokens.access_token)))!.grantId;

    await stack.emulator.control.revokeUser('alice');
    // OSC access tokens live 3600 s; at +3500 s they are inside the refresh margin, ours are not expired.
    stack.clock.advance(3500_000);
    const before = await stack.emulator.control.stats();

    const dead = await post(alice.tokens.access_token);
    await expectChallenge(dead, stack.url);
    const afterDead = await stack.emulator.control.stats();
    expect(afterDead.refreshFailures).toBe(before.refreshFailures + 1);
    expect(afterDead.refreshes).toBe(before.refreshes);
    expect(await stack.store.get('grant', grantId)).toBeUndefined();

    // Dead for good: no second trip to OSC, and our refresh token is gone with the grant.
    await expectChallenge(await post(alice.tokens.access_token), stack.url);
    expect((await stack.emulator.control.stats()).calls['oauth.token.refresh']).toBe(
      afterDead.calls['oauth.token.refresh'],
    );
    const rt = await refresh(stack.url, alice.client, alice.tokens.refresh_token);
    expect(rt.status).toBe(400);
    expect(rt.body.error).toBe('invalid_grant');

    // Bob's grant refreshes normally at the same moment.
    expect((await post(bob.tokens.access_token)).status).toBe(200);
    expect((await stack.emulator.control.stats()).refreshes).toBe(before.refreshes + 1);
  });
});
