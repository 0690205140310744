// /connections (docs/architecture.md, "Interface contract"): a signed-in user lists and revokes their connected clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { Browser, connect, mcpPost } from '../support/oauth-flow.js';
import { approveAtEmulator } from '../support/emulator.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const tools = (at: string) => mcpPost(stack.mcpUrl, at, { jsonrpc: '2.0', id: 1, method: 'tools/list' });

/** Signs a browser in to /connections through the emulated OSC pages. */
async function signIn(user: string): Promise<{ browser: Browser; html: string }> {
  const browser = new Browser();
  const start = await browser.get(`${stack.url}/connections`);
  expect(start.status).toBe(303);
  const back = await approveAtEmulator(start.headers.get('location')!, user);
  const cb = await browser.get(back.toString());
  expect(cb.status).toBe(303);
  expect(cb.headers.get('location')).toBe('/connections');
  const page = await browser.get(`${stack.url}/connections`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  return { browser, html: await page.text() };
}

const field = (html: string, name: string) =>
  [...html.matchAll(new RegExp(`name="${name}" value="([^"]+)"`, 'g'))].map((m) => m[1]!);

describe('/connections', () => {
  it('lists only the signed-in user’s connections and revokes the chosen one', async () => {
    const one = await connect(stack.url, { user: 'alice', meta: { client_name: 'Alice Desktop' } });
    const two = await connect(stack.url, { user: 'alice', meta: { client_name: 'Alice Laptop' } });
    const bobs = await connect(stack.url, { user: 'bob', meta: { client_name: 'Bob Editor' } });

    const { browser, html } = await signIn('alice');
    expect(html).toContain('Alice Desktop');
    expect(html).toContain('Alice Laptop');
    expect(html).not.toContain('Bob Editor');
    expect(html).toContain('alice-team');
    // The abilities in the consent page's plain words, secrets included.
    expect(html).toContain('the application never sees the value');
    expect(html).toContain('never their values');
    const grants = field(html, 'grant');
    expect(grants).toHaveLength(2);
    const csrf = field(html, 'csrf')[0]!;

    // Without the CSRF token nothing happens.
    const forged = await browser.post(`${stack.url}/connections/revoke`, new URLSearchParams({ grant: grants[0]! }));
    expect(forged.status).toBe(403);
    expect((await tools(one.tokens.access_token)).status).toBe(200);

    // Revoke the connection listed first (the order is the store's): exactly one of the two dies.
    const res = await browser.post(`${stack.url}/connections/revoke`, new URLSearchParams({ grant: grants[0]!, csrf }));
    expect(res.status).toBe(303);
    const statuses = [
      (await tools(one.tokens.access_token)).status,
      (await tools(two.tokens.access_token)).status,
    ].sort();
    expect(statuses).toEqual([200, 401]);
    const after = await (await browser.get(`${stack.url}/connections`)).text();
    expect(field(after, 'grant')).toEqual([grants[1]]);
    expect((await tools(bobs.tokens.access_token)).status).toBe(200);
  });

  it('cannot revoke another user’s grant, and signing out ends the session', async () => {
    const bobs = await connect(stack.url, { user: 'bob', meta: { client_name: 'Bob Tool' } });
    const bobPage = await signIn('bob');
    const bobGrant = field(bobPage.html, 'grant').at(-1)!;

    const { browser, html } = await signIn('carol');
    const csrf = field(html, 'csrf')[0]!;
    const res = await browser.post(`${stack.url}/connections/revoke`, new URLSearchParams({ grant: bobGrant, csrf }));
    expect(res.status).toBe(303);
    expect((await tools(bobs.tokens.access_token)).status).toBe(200);

    const csrf2 = field(await (await browser.get(`${stack.url}/connections`)).text(), 'csrf')[0]!;
    const out = await browser.post(`${stack.url}/connections/signout`, new URLSearchParams({ csrf: csrf2 }));
    expect(out.status).toBe(200);
    expect((await browser.get(`${stack.url}/connections`)).status).toBe(303);
  });

  it('a callback for a /connections sign-in from another browser is refused', async () => {
    const victim = new Browser();
    const start = await victim.get(`${stack.url}/connections`);
    const back = await approveAtEmulator(start.headers.get('location')!, 'alice');
    const attacker = new Browser();
    const cb = await attacker.get(back.toString());
    expect(cb.status).toBe(400);
    expect(cb.headers.getSetCookie().join(';')).not.toContain('oscmcp-session');
  });
});
