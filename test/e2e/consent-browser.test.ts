// OAUTH-12, OAUTH-13, SECRETS-07: our consent page and callback error page, in headless
// Chromium (Debian's package through playwright-core), through the emulator's own sign-in
// and consent pages to a real loopback redirect URI.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page, Request as PwRequest, Response as PwResponse } from 'playwright-core';
import { startStack, type Stack } from '../support/stack.js';
import { authorizeUrl, registerClient, tokenRequest, type RegisteredClient } from '../support/oauth-flow.js';
import { pkcePair } from '../support/emulator.js';
import { chromiumAvailable, launchChromium, type HeadlessChromium } from '../support/chromium.js';
import { startRedirectCatcher, type RedirectCatcher } from '../support/redirect-catcher.js';

const HOSTILE_NAME = `<img src=x onerror=alert(1)>"'&`;
const HOSTILE_LOGO = 'https://x/"onerror=alert(1)';

let stack: Stack;
let chrome: HeadlessChromium;
let catcher: RedirectCatcher;
let client: RegisteredClient;

/** Parses a CSP header into directive → source list. */
function csp(header: string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), values);
  }
  return out;
}

/** Every src/href/action value in the HTML. */
function urlAttributes(html: string): string[] {
  return [
    ...html.matchAll(/\b(?:src|href|action|srcset|formaction|poster|data)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi),
  ].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

function expectPageHeaders(h: Headers | Record<string, string>, origin: string, html: string): void {
  const get = (k: string) => (h instanceof Headers ? h.get(k) : (h[k] ?? null));
  const policy = csp(get('content-security-policy'));
  expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
  expect(policy.get('default-src')).toEqual(["'none'"]);
  // No script may run: none allowed explicitly, and never 'unsafe-inline'.
  for (const d of ['script-src', 'script-src-elem', 'script-src-attr']) {
    expect(policy.get(d) ?? [], d).not.toContain("'unsafe-inline'");
    expect(policy.get(d) ?? [], d).not.toContain("'unsafe-eval'");
  }
  // If form-action is ever set, it must allow where the consent POST redirects (OSC and the client).
  if (policy.has('form-action'))
    throw new Error('form-action is set: check that it allows the OSC authorize origin and the client redirect origin');
  expect(get('x-frame-options')).toBe('DENY');
  expect(get('referrer-policy')).toBe('no-referrer');
  expect(get('cache-control')).toContain('no-store');
  expect(get('content-type')).toMatch(/^text\/html/);
  for (const raw of urlAttributes(html)) {
    const u = new URL(raw, origin);
    expect(u.origin, `URL attribute ${raw}`).toBe(origin);
  }
  expect(html).not.toMatch(/<script\b/i);
  expect(html).not.toMatch(/\son[a-z]+\s*=/i);
}

function newAuthorization(c: RegisteredClient, state = `st-${Math.random().toString(36).slice(2)}`) {
  const { verifier, challenge } = pkcePair();
  const redirectUri = c.redirect_uris[0]!;
  return {
    verifier,
    state,
    redirectUri,
    url: authorizeUrl(stack.url, {
      clientId: c.client_id,
      redirectUri,
      challenge,
      state,
      scope: 'osc:read osc:write',
      resource: stack.mcpUrl,
    }),
  };
}

/** Opens a page with a request log and a response log (redirect responses included). */
async function loggedPage(
  ctx: BrowserContext,
): Promise<{ page: Page; requests: PwRequest[]; responses: PwResponse[]; dialogs: string[] }> {
  const page = await ctx.newPage();
  const requests: PwRequest[] = [];
  const responses: PwResponse[] = [];
  const dialogs: string[] = [];
  page.on('request', (r) => requests.push(r));
  page.on('response', (r) => responses.push(r));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { page, requests, responses, dialogs };
}

const describeBrowser = describe.skipIf(!chromiumAvailable());

beforeAll(async () => {
  stack = await startStack();
  catcher = await startRedirectCatcher('/cb');
  client = await registerClient(stack.url, {
    client_name: 'Browser Test Client',
    redirect_uris: [catcher.redirectUri],
  });
  if (chromiumAvailable()) chrome = await launchChromium();
}, 120_000);

afterAll(async () => {
  await chrome?.close();
  await catcher?.close();
  await stack?.close();
});

describe('OAUTH-12: headers of our HTML pages', () => {
  it('consent page: CSP default-src/frame-ancestors none, no script, DENY, no-referrer, no-store, same-origin URLs only', async () => {
    const a = newAuthorization(client);
    const res = await fetch(a.url, { redirect: 'manual' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('name="csrf"');
    expectPageHeaders(res.headers, stack.url, html);
  });

  it('callback error page (unknown state): the same headers, no redirect', async () => {
    const res = await fetch(`${stack.url}/oauth/callback?state=forged-state&code=osc_code_x`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expectPageHeaders(res.headers, stack.url, await res.text());
  });

  it('local authorize error page (unknown client): the same headers', async () => {
    const res = await fetch(`${stack.url}/authorize?client_id=nobody&response_type=code`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expectPageHeaders(res.headers, stack.url, await res.text());
  });

  it('the style sheet the pages load is ours, and the only subresource', async () => {
    const html = await (await fetch(newAuthorization(client).url)).text();
    const subresources = [
      ...html.matchAll(/<(?:link|img|script|iframe|object|embed|video|audio|source)\b[^>]*>/gi),
    ].map((m) => m[0]);
    expect(subresources).toEqual(['<link rel="stylesheet" href="/assets/page.css">']);
    const css = await fetch(`${stack.url}/assets/page.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(await css.text()).not.toMatch(/url\(|@import/i);
  });
});

describeBrowser('in headless Chromium', () => {
  it('Approve: our consent page → the emulator sign-in and consent → our callback → the client gets code, state, iss (and the code works)', async () => {
    const ctx = await chrome.newContext();
    try {
      const { page, requests, responses, dialogs } = await loggedPage(ctx);
      const a = newAuthorization(client);
      const shown = await page.goto(a.url);
      expect(shown?.status()).toBe(200);
      await page.waitForLoadState('networkidle');
      // The page as a user sees it: rendered with our style sheet, the client named, unverified.
      expect(await page.locator('#client-name').textContent()).toBe('Browser Test Client');
      await expect(page.locator('body').innerText()).resolves.toContain('unverified');
      expect(await page.locator('#redirect-host').textContent()).toBe(new URL(catcher.redirectUri).host);
      expect(await page.locator('input[name="scope"]').count()).toBe(2);
      const consentOrigins = new Set(requests.map((r) => new URL(r.url()).origin));
      expect([...consentOrigins]).toEqual([stack.url]);

      // Our consent page → OSC (the emulator's own pages).
      await Promise.all([
        page.waitForURL((u) => u.origin === stack.emulator.url),
        page.click('button[value="approve"]'),
      ]);
      const approvePost = requests.find((r) => r.method() === 'POST' && r.url() === `${stack.url}/consent`);
      expect(approvePost).toBeDefined();
      const toOsc = requests.find((r) => r.url().startsWith(`${stack.emulator.url}/api/connect/authorize`));
      expect(toOsc, 'the browser went to the emulator authorize endpoint').toBeDefined();
      // SECRETS-07: no Referer reaches OSC from our consent page.
      expect((await toOsc!.allHeaders()).referer).toBeUndefined();
      await page.click('#signin-alice');
      await page.waitForSelector('#allow');
      await Promise.all([page.waitForURL((u) => u.origin === catcher.origin), page.click('#allow')]);
      const hit = await catcher.next();
      expect(hit.url.searchParams.get('state')).toBe(a.state);
      expect(hit.url.searchParams.get('iss')).toBe(stack.url);
      expect(hit.url.searchParams.getAll('code')).toHaveLength(1);
      expect(hit.url.searchParams.get('error')).toBeNull();
      // Our callback's redirect carries no Referer to the client, and every answer of ours said no-referrer.
      expect(hit.headers.referer).toBeUndefined();
      const ours = responses.filter((r) => r.url().startsWith(stack.url));
      expect(ours.length).toBeGreaterThanOrEqual(3);
      for (const r of ours.filter((r) => !r.url().endsWith('/assets/page.css'))) {
        expect((await r.allHeaders())['referrer-policy'], r.url()).toBe('no-referrer');
      }
      expect(dialogs).toEqual([]);

      const tok = await tokenRequest(stack.url, {
        grant_type: 'authorization_code',
        code: hit.url.searchParams.get('code')!,
        code_verifier: a.verifier,
        redirect_uri: a.redirectUri,
        client_id: client.client_id,
        resource: stack.mcpUrl,
      });
      expect(tok.status).toBe(200);
      expect(typeof tok.body.access_token).toBe('string');
    } finally {
      await ctx.close();
    }
  }, 60_000);

  it('Deny on our page: straight back to the client with access_denied, state, iss; no OSC request; no Referer (SECRETS-07)', async () => {
    const ctx = await chrome.newContext();
    try {
      const { page, requests, responses } = await loggedPage(ctx);
      const a = newAuthorization(client);
      await page.goto(a.url);
      await page.waitForLoadState('networkidle');
      const exchangesBefore = (await stack.emulator.control.stats()).calls['oauth.authorize'] ?? 0;
      await Promise.all([page.waitForURL((u) => u.origin === catcher.origin), page.click('button[value="deny"]')]);
      const hit = await catcher.next();
      expect(hit.url.searchParams.get('error')).toBe('access_denied');
      expect(hit.url.searchParams.get('state')).toBe(a.state);
      expect(hit.url.searchParams.get('iss')).toBe(stack.url);
      expect(hit.url.searchParams.get('code')).toBeNull();
      expect(hit.headers.referer).toBeUndefined();
      // Every request of this page went to us, except the one navigation to the client's redirect URI.
      const foreign = requests.map((r) => r.url()).filter((u) => new URL(u).origin !== stack.url);
      expect(foreign).toHaveLength(1);
      expect(foreign[0]!.startsWith(`${catcher.redirectUri}?`)).toBe(true);
      expect((await stack.emulator.control.stats()).calls['oauth.authorize'] ?? 0).toBe(exchangesBefore);
      const denyResponse = responses.find((r) => r.url() === `${stack.url}/consent`);
      expect(denyResponse?.status()).toBe(303);
      const h = await denyResponse!.allHeaders();
      expect(h['referrer-policy']).toBe('no-referrer');
      expect(h['cache-control']).toContain('no-store');
    } finally {
      await ctx.close();
    }
  }, 60_000);

  it('Deny at OSC after Approve here: the client gets access_denied with state and iss', async () => {
    const ctx = await chrome.newContext();
    try {
      const { page } = await loggedPage(ctx);
      const a = newAuthorization(client);
      await page.goto(a.url);
      await Promise.all([
        page.waitForURL((u) => u.origin === stack.emulator.url),
        page.click('button[value="approve"]'),
      ]);
      await page.click('#signin-alice');
      await page.waitForSelector('#deny');
      await Promise.all([page.waitForURL((u) => u.origin === catcher.origin), page.click('#deny')]);
      const hit = await catcher.next();
      expect(hit.url.searchParams.get('error')).toBe('access_denied');
      expect(hit.url.searchParams.get('state')).toBe(a.state);
      expect(hit.url.searchParams.get('iss')).toBe(stack.url);
      // OSC's own wording is not reflected (OAUTH-19).
      expect(hit.url.searchParams.get('error_description') ?? '').not.toContain('The user denied access');
    } finally {
      await ctx.close();
    }
  }, 60_000);

  it('OAUTH-13: a hostile client name and logo_uri stay text; no dialog, no client image; unverified label and redirect host shown', async () => {
    const hostile = await registerClient(stack.url, {
      client_name: HOSTILE_NAME,
      logo_uri: HOSTILE_LOGO,
      redirect_uris: ['https://c.example/cb'],
    });
    const ctx = await chrome.newContext();
    try {
      const { page, requests, dialogs } = await loggedPage(ctx);
      const a = newAuthorization(hostile);
      const res = await page.goto(a.url);
      expect(res?.status()).toBe(200);
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(300);
      expect(await page.locator('#client-name').textContent()).toBe(HOSTILE_NAME);
      expect(dialogs).toEqual([]);
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('script').count()).toBe(0);
      const text = await page.locator('body').innerText();
      expect(text).toMatch(/unverified/i);
      expect(await page.locator('#redirect-host').textContent()).toBe('c.example');
      expect(await page.locator('#redirect-host').isVisible()).toBe(true);
      // Nothing was fetched from the client's logo host, nor from anywhere but us.
      expect(new Set(requests.map((r) => new URL(r.url()).origin))).toEqual(new Set([stack.url]));
      expect(await page.content()).not.toContain('x/"onerror');
    } finally {
      await ctx.close();
    }
  }, 60_000);

  it('SECRETS-07: the callback error page loads nothing from another origin and says no-referrer', async () => {
    const ctx = await chrome.newContext();
    try {
      const { page, requests } = await loggedPage(ctx);
      const res = await page.goto(`${stack.url}/oauth/callback?state=forged&code=osc_code_x`);
      expect(res?.status()).toBe(400);
      await page.waitForLoadState('networkidle');
      expect((await res!.allHeaders())['referrer-policy']).toBe('no-referrer');
      expect(new Set(requests.map((r) => new URL(r.url()).origin))).toEqual(new Set([stack.url]));
    } finally {
      await ctx.close();
    }
  }, 60_000);

  it('cannot be framed: a page on another origin that frames the consent page gets nothing', async () => {
    const ctx = await chrome.newContext();
    try {
      const page = await ctx.newPage();
      const a = newAuthorization(client);
      // The catcher's origin plays the attacker; its body is replaced with a frame around our page.
      await page.goto(`${catcher.origin}/not-cb`);
      await page.setContent(`<iframe id="f" src="${a.url.replace(/&/g, '&amp;')}" width="600" height="400"></iframe>`);
      // Chromium replaces a refused frame with its own error document (up to 10 s for it).
      await expect
        .poll(() => page.frames().map((f) => f.url()), { timeout: 10_000, interval: 20 })
        .toContainEqual(expect.stringMatching(/^chrome-error:\/\//));
      for (const f of page.frames())
        expect(
          await f
            .locator('body')
            .innerText()
            .catch(() => ''),
        ).not.toContain('Approve');
    } finally {
      await ctx.close();
    }
  }, 60_000);

  it('renders presentably (screenshot to test-results/consent.png)', async () => {
    const ctx = await chrome.newContext();
    try {
      const page = await ctx.newPage();
      await page.goto(newAuthorization(client).url);
      await page.waitForLoadState('networkidle');
      // The style sheet applied: the card is centred with a white background.
      const bg: unknown = await page.evaluate('getComputedStyle(document.querySelector("main")).backgroundColor');
      expect(bg).toBe('rgb(255, 255, 255)');
      mkdirSync(fileURLToPath(new URL('../../test-results/', import.meta.url)), { recursive: true });
      await page.screenshot({
        path: fileURLToPath(new URL('../../test-results/consent.png', import.meta.url)),
        fullPage: true,
      });
    } finally {
      await ctx.close();
    }
  }, 60_000);
});
