// osc-mcp as OSC's client (docs/architecture.md, "The two OAuth legs"): zero configuration registers at OSC once and
// shares the registration with every replica; OSC's short-lived registrations are renewed
// without losing an authorization in flight; a configured console client is used as is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../support/stack.js';
import {
  authorize,
  authorizeUrl,
  Browser,
  connect,
  consentFields,
  exchange,
  registerClient,
} from '../../support/oauth-flow.js';
import { approveAtEmulator, pkcePair } from '../../support/emulator.js';

describe('dynamic registration at OSC (no OSC_CLIENT_ID)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('registers once, on the first authorization, and every replica reuses it', async () => {
    expect((await stack.emulator.control.stats()).registrations).toBe(0);
    await connect(stack.url, { user: 'alice' });
    expect((await stack.emulator.control.stats()).registrations).toBe(1);
    await connect(stack.url, { user: 'bob' });
    const b = await stack.addReplica();
    await connect(b.url, { user: 'carol' });
    expect((await stack.emulator.control.stats()).registrations).toBe(1);
  });

  it('OSC forgets our client while the user is at its pages: we register again and send the browser through OSC once more, keeping the approval', async () => {
    const client = await registerClient(stack.url);
    const browser = new Browser();
    const { verifier, challenge } = pkcePair();
    const page = await browser.get(
      authorizeUrl(stack.url, {
        clientId: client.client_id,
        redirectUri: client.redirect_uris[0]!,
        challenge,
        state: 'keep-me',
      }),
    );
    const { pending, csrf } = consentFields(await page.text());
    const consent = await browser.post(
      `${stack.url}/consent`,
      new URLSearchParams({ pending, csrf, decision: 'approve', scope: 'osc:read' }),
    );
    const back = await approveAtEmulator(consent.headers.get('location')!, 'alice');
    // The dynamically registered client expires at OSC before our callback exchanges the code.
    await stack.emulator.control.advanceClock(86_401);
    const before = (await stack.emulator.control.stats()).registrations;
    try {
      const again = await browser.get(back.toString());
      expect(again.status).toBe(303);
      const osc = new URL(again.headers.get('location')!);
      expect(`${osc.origin}${osc.pathname}`).toBe(`${stack.emulator.url}/api/connect/authorize`);
      expect((await stack.emulator.control.stats()).registrations).toBe(before + 1);
      // No second consent page of ours: the user's approval (and narrowed scope) stands.
      const back2 = await approveAtEmulator(osc.toString(), 'alice');
      const cb = await browser.get(back2.toString());
      expect(cb.status).toBe(303);
      const landing = new URL(cb.headers.get('location')!);
      expect(landing.searchParams.get('state')).toBe('keep-me');
      const tokens = await exchange(stack.url, client, {
        location: landing,
        code: landing.searchParams.get('code')!,
        verifier,
        redirectUri: client.redirect_uris[0]!,
      });
      expect(tokens.scope).toBe('osc:read');
    } finally {
      await stack.emulator.control.setClockOffset(0);
    }
  });
});

describe('a console OSC client (OSC_CLIENT_ID and OSC_CLIENT_SECRET)', () => {
  let stack: Stack;
  beforeAll(async () => {
    // The emulator must know the client before the server starts with it: start a throwaway
    // stack to learn its emulator URL, then a server configured with the console client.
    stack = await startStack();
    const console = await stack.emulator.control.consoleClient([`${stack.url}/oauth/callback`], 'osc-mcp console app');
    await stack.replica.close();
    const r = await stack.addReplica({
      PUBLIC_URL: stack.url,
      OSC_CLIENT_ID: console.client_id,
      OSC_CLIENT_SECRET: console.client_secret,
      PORT: new URL(stack.url).port,
    });
    stack.replica = r;
  });
  afterAll(() => stack.close());

  it('authorizes with it and never registers', async () => {
    const r = await authorize(stack.url, { client: await registerClient(stack.url), user: 'bob' });
    expect(r.code).toBeTruthy();
    expect((await stack.emulator.control.stats()).registrations).toBe(0);
  });
});
