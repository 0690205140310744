/**
 * SECRET-08, SECRET-09: the secret page `/secrets/enter/<id>` over real HTTP through the whole
 * app (our OAuth in front, the emulator behind), with a fetch-based browser: set_secret's link,
 * the /connections sign-in and back, the form, the value stored at OSC's /mysecrets. Every
 * refusal (wrong user, bad CSRF, reused or expired link, oversized body, no session, malformed
 * id) is a plain 4xx page of ours, never a 500, and leaves the link usable where it should.
 * Our clock is injected (`now`), so expiry needs no waiting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../support/stack.js';
import { Browser, connect, mcpPost } from '../../support/oauth-flow.js';
import { approveAtEmulator } from '../../support/emulator.js';
import { MemoryTokenStore } from '../../../src/storage/memory-store.js';
import { findSecrets, logHaystacks } from '../../support/leak-scan.js';

let stack: Stack;
let offsetMs = 0;
const now = () => Date.now() + offsetMs;
let alice: string;
const typed: string[] = [];

beforeAll(async () => {
  stack = await startStack({ store: new MemoryTokenStore({ now, sweepIntervalMs: 0 }), overrides: { now } });
  alice = (await connect(stack.url, { user: 'alice', meta: { client_name: 'Alice Agent' } })).tokens.access_token;
});
afterAll(() => stack.close());

async function tool(token: string, name: string, args: Record<string, unknown>) {
  const res = await mcpPost(stack.mcpUrl, token, {
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: { name, arguments: args },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: { structuredContent?: Record<string, unknown>; isError?: boolean } }).result;
}

async function link(secretName: string): Promise<string> {
  const r = await tool(alice, 'set_secret', { serviceId: 'birme-osc-postgresql', secretName });
  expect(r.isError).toBeFalsy();
  return local(String(r.structuredContent!.url));
}

/** The link on the replica we talk to (the stack's PUBLIC_URL names another port). */
const local = (url: string) => `${stack.url}${new URL(url).pathname}`;

/** Opens `url` signed out: our page sends the browser through OSC's sign-in and back to itself. */
async function signInAt(url: string, user: string, browser = new Browser()): Promise<Browser> {
  const start = await browser.get(url);
  expect(start.status).toBe(303);
  const back = await approveAtEmulator(start.headers.get('location')!, user);
  const cb = await browser.get(back.toString());
  expect(cb.status).toBe(303);
  expect(cb.headers.get('location')).toBe(new URL(url).pathname);
  return browser;
}

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const storedAtOsc = async () =>
  (
    (await (await fetch(`${stack.emulator.url}/__emulator/secrets`)).json()) as {
      secrets: Array<{ kind: string; value: string }>;
    }
  ).secrets
    .filter((s) => s.kind === 'service_secret')
    .map((s) => s.value);

function submit(browser: Browser, url: string, csrf: string, value: string) {
  typed.push(value);
  return browser.post(url, new URLSearchParams({ csrf, secretValue: value }));
}

describe('the secret page', () => {
  it('SECRET-08: the owner signs in, sees who asked for what, types the value; OSC has it; the page never repeats it; the link is then used up', async () => {
    const url = await link('apikey');
    const browser = await signInAt(url, 'alice');
    const page = await browser.get(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('cache-control')).toContain('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain('Alice Agent');
    expect(html).toContain('birme-osc-postgresql');
    expect(html).toContain('apikey');
    expect(html).toMatch(/type="password"/);
    const value = 'typed-on-the-page-7f3a9c2e';
    const done = await submit(browser, url, csrfOf(html), value);
    expect(done.status).toBe(200);
    expect(done.headers.get('cache-control')).toContain('no-store');
    const doneHtml = await done.text();
    expect(doneHtml).toContain('Secret stored');
    expect(doneHtml).not.toContain(value);
    expect(await storedAtOsc()).toContain(value);
    const listed = await tool(alice, 'list_secrets', { serviceId: 'birme-osc-postgresql' });
    expect(listed.structuredContent!.names).toContain('apikey');
    const again = await tool(alice, 'set_secret', { serviceId: 'birme-osc-postgresql', secretName: 'apikey' });
    expect(again.structuredContent!.exists).toBe(true);
    // Reused link: GET and POST are refused with a page, nothing stored twice.
    expect((await browser.get(url)).status).toBe(410);
    expect((await submit(browser, url, csrfOf(html), 'second-value-9b8c7d6e')).status).toBe(410);
    expect(await storedAtOsc()).not.toContain('second-value-9b8c7d6e');
  });

  it('SECRET-09: another OSC user (bob) is refused on GET and POST; the link stays usable for alice', async () => {
    const url = await link('bobcannot');
    const bob = await signInAt(url, 'bob');
    const refused = await bob.get(url);
    expect(refused.status).toBe(403);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain('another OSC user');
    expect(refusedHtml).not.toContain('bobcannot');
    const csrf = csrfOf(refusedHtml); // the sign-out form's token, not the link's
    expect((await submit(bob, url, csrf, 'bob-tried-this-1234')).status).toBe(403);
    expect(await storedAtOsc()).not.toContain('bob-tried-this-1234');
    // Operators see the refusals (who tried is in the session, not logged; the grant is).
    expect(stack.logs.filter((l) => l.includes('"secret_link_refused"') && l.includes('other_user')).length).toBe(2);
    const browser = await signInAt(url, 'alice');
    const page = await browser.get(url);
    expect(page.status).toBe(200);
    expect((await submit(browser, url, csrfOf(await page.text()), 'alice-owns-this-5678')).status).toBe(200);
  });

  it('SECRET-09: a wrong or missing CSRF token, or another browser, is refused and the link survives', async () => {
    const url = await link('csrfcase');
    const browser = await signInAt(url, 'alice');
    const csrf = csrfOf(await (await browser.get(url)).text());
    expect((await submit(browser, url, '', 'no-csrf-value-1111')).status).toBe(403);
    expect(
      (await submit(browser, url, `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}`, 'bad-csrf-value-2222'))
        .status,
    ).toBe(403);
    // Same user, another browser session, the first session's token: refused.
    const other = await signInAt(url, 'alice');
    expect((await submit(other, url, csrf, 'other-session-3333')).status).toBe(403);
    // No session at all.
    expect((await submit(new Browser(), url, csrf, 'no-session-4444')).status).toBe(403);
    const stored = await storedAtOsc();
    for (const v of ['no-csrf-value-1111', 'bad-csrf-value-2222', 'other-session-3333', 'no-session-4444'])
      expect(stored).not.toContain(v);
    // The token of the latest GET, in its own session, works.
    const fresh = csrfOf(await (await browser.get(url)).text());
    expect((await submit(browser, url, fresh, 'finally-stored-5555')).status).toBe(200);
  });

  it('SECRET-09: an expired link, an unknown or malformed id, an empty or too long value, an oversized body: clear 4xx pages', async () => {
    const url = await link('expiring');
    const browser = await signInAt(url, 'alice');
    const csrf = csrfOf(await (await browser.get(url)).text());
    // Empty and over 16 KiB: refused, link kept.
    expect((await submit(browser, url, csrf, '')).status).toBe(400);
    expect((await submit(browser, url, csrf, 'x'.repeat(16 * 1024 + 1))).status).toBe(400);
    // A body past the parser's bound: 413 page, never 500.
    const huge = await submit(browser, url, csrf, 'y'.repeat(60 * 1024));
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await huge.text()).not.toContain('yyyyyyyy');
    // Ten minutes and a second later the link is gone.
    offsetMs += 601_000;
    expect((await browser.get(url)).status).toBe(410);
    expect((await submit(browser, url, csrf, 'too-late-6666')).status).toBe(410);
    offsetMs = 0;
    const unknown = `${stack.url}/secrets/enter/${'A'.repeat(43)}`;
    expect((await browser.get(unknown)).status).toBe(410);
    expect((await browser.get(`${stack.url}/secrets/enter/short`)).status).toBe(404);
    expect((await browser.post(`${stack.url}/secrets/enter/short`, new URLSearchParams({}))).status).toBe(404);
  });

  it('SECRET-09: revoking the connection ends its links', async () => {
    const other = await connect(stack.url, { user: 'alice', meta: { client_name: 'Short Lived' } });
    const r = await tool(other.tokens.access_token, 'set_secret', {
      serviceId: 'birme-osc-postgresql',
      secretName: 'revoked',
    });
    const url = local(String(r.structuredContent!.url));
    await fetch(`${stack.url}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: other.tokens.refresh_token, client_id: other.client.client_id }),
    });
    expect((await new Browser().get(url)).status).toBe(410);
  });

  it('SECRET-11: the connection details page: the owner sees the strings read live from OSC with the password as a reference, and why; bob is refused', async () => {
    const db = await tool(alice, 'create_database', {
      serviceId: 'birme-osc-postgresql',
      name: 'viewdb',
      waitSeconds: 20,
    });
    expect(db.isError).toBeFalsy();
    const url = local(String(db.structuredContent!.detailsUrl));
    expect(url).toMatch(/\/secrets\/connection\/[A-Za-z0-9_-]{43}$/);
    const bob = await signInAt(url, 'bob');
    expect((await bob.get(url)).status).toBe(403);
    const browser = await signInAt(url, 'alice');
    const page = await browser.get(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toContain('no-store');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await page.text();
    const ends = await tool(alice, 'get_instance_endpoints', { serviceId: 'birme-osc-postgresql', name: 'viewdb' });
    const e = ends.structuredContent as { external: Array<{ ip: string; port: number }>; internalDns: string };
    const ref = '{{secrets.viewdb-password}}'.replace(/[/]/g, (c) => `&#${c.charCodeAt(0)};`);
    expect(html).toContain(
      `postgresql:&#47;&#47;postgres:${ref}@${e.external[0]!.ip}:${e.external[0]!.port}&#47;postgres`,
    );
    expect(html).toContain(e.internalDns);
    expect(html).toContain('cannot show the password');
    // Many views, same link; the generated password is on none of them.
    expect((await browser.get(url)).status).toBe(200);
    const generated = (await storedAtOsc()).filter((v) => !typed.includes(v));
    expect(generated.length).toBeGreaterThan(0);
    for (const v of generated) expect(html).not.toContain(v);
    // Gone from OSC: a 404 page, not a 500.
    await tool(alice, 'delete_instance', { serviceId: 'birme-osc-postgresql', name: 'viewdb', confirm: true });
    expect((await browser.get(url)).status).toBe(404);
  });

  it('SECRET-12: a 2026-07-28 request declaring URL-mode elicitation gets an input-required result with the link as a URL elicitation; its retry says only whether the secret exists and makes no second link', async () => {
    const post = (
      id: number,
      extra: Record<string, unknown> = {},
      capabilities: Record<string, unknown> = { elicitation: { url: {} } },
    ) =>
      mcpPost(
        stack.mcpUrl,
        alice,
        {
          jsonrpc: '2.0',
          id,
          method: 'tools/call',
          params: {
            name: 'set_secret',
            arguments: { serviceId: 'birme-osc-postgresql', secretName: 'elicited' },
            ...extra,
            _meta: {
              'io.modelcontextprotocol/protocolVersion': '2026-07-28',
              'io.modelcontextprotocol/clientInfo': { name: 'elicitation-test', version: '1' },
              'io.modelcontextprotocol/clientCapabilities': capabilities,
            },
          },
        },
        { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'set_secret' },
      );
    const first = await post(1);
    expect(first.status).toBe(200);
    const asked = (await first.json()) as {
      result: {
        resultType: string;
        inputRequests: Record<string, { method: string; params: { mode: string; url: string; message: string } }>;
      };
    };
    expect(asked.result.resultType).toBe('input_required');
    const request = asked.result.inputRequests.secret_page!;
    expect(request).toMatchObject({ method: 'elicitation/create', params: { mode: 'url' } });
    const url = local(String(request.params.url));
    expect(url).toMatch(/\/secrets\/enter\/[A-Za-z0-9_-]{43}$/);
    expect(request.params.message).toMatch(/sign in to OSC and type the value there/);
    // The link is the real one: alice can use it.
    const browser = await signInAt(url, 'alice');
    const form = await browser.get(url);
    expect(form.status).toBe(200);
    expect((await submit(browser, url, csrfOf(await form.text()), 'elicited-value-7777')).status).toBe(200);
    // The retry with the user's answer: exists, and no url (no second link).
    const retry = await post(2, { inputResponses: { secret_page: { action: 'accept' } } });
    const done = (await retry.json()) as { result: { structuredContent: Record<string, unknown> } };
    expect(done.result.structuredContent).toEqual({
      serviceId: 'birme-osc-postgresql',
      secretName: 'elicited',
      exists: true,
      openAsUrlElicitation: true,
    });
    // Without the capability, a 2026-07-28 request gets the plain result with the link.
    const plain = (await (await post(3, {}, {})).json()) as { result: { structuredContent: Record<string, unknown> } };
    expect(plain.result.structuredContent).toMatchObject({ exists: true, openAsUrlElicitation: false });
    expect(String(plain.result.structuredContent.url)).toMatch(/\/secrets\/enter\//);
  });

  it('no value typed on the page, and no link, is in any log line', () => {
    expect(findSecrets(logHaystacks(stack.logs), typed)).toEqual([]);
    expect(stack.logs.some((l) => l.includes('/secrets/enter/[redacted]'))).toBe(true);
    expect(stack.logs.filter((l) => /\/secrets\/(enter|connection)\/[A-Za-z0-9_-]{43}/.test(l))).toEqual([]);
  });
});
