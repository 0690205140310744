// POLICY-09: what a person sees of the no-open-redirector rule and the host-mismatch warning,
// in headless Chromium: an unverified client's /authorize error stays on our page, which names
// the redirect host; the browser reaches the client only when the person follows the link, and
// then without a Referer. A metadata-document client answered on another host gets a visible
// warning on the consent page (src/oauth/client-redirect.ts, src/oauth/consent-page.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { authorizeUrl, registerClient, type RegisteredClient } from '../support/oauth-flow.js';
import { pkcePair } from '../support/emulator.js';
import { chromiumAvailable, launchChromium, type HeadlessChromium } from '../support/chromium.js';
import { startRedirectCatcher, type RedirectCatcher } from '../support/redirect-catcher.js';
import { startDocumentServer, type DocumentServer } from '../support/document-server.js';

let stack: Stack;
let chrome: HeadlessChromium;
let catcher: RedirectCatcher;
let client: RegisteredClient;
let docs: DocumentServer;

beforeAll(async () => {
  stack = await startStack({ overrides: { cimd: { allowLoopbackHttp: true } } });
  catcher = await startRedirectCatcher('/cb');
  client = await registerClient(stack.url, { client_name: 'Unverified', redirect_uris: [catcher.redirectUri] });
  docs = await startDocumentServer();
  if (chromiumAvailable()) chrome = await launchChromium();
}, 120_000);

afterAll(async () => {
  await chrome?.close();
  await catcher?.close();
  docs?.close();
  await stack?.close();
});

describe.skipIf(!chromiumAvailable())('POLICY-09: in the browser', () => {
  it('an unverified client’s error stays on our page naming the host; the client is reached only through the link', async () => {
    const ctx = await chrome.newContext();
    try {
      const page = await ctx.newPage();
      const foreign: string[] = [];
      page.on('request', (r) => {
        if (new URL(r.url()).origin !== stack.url) foreign.push(r.url());
      });
      const url = new URL(
        authorizeUrl(stack.url, {
          clientId: client.client_id,
          redirectUri: catcher.redirectUri,
          challenge: pkcePair().challenge,
          state: 'st-browser',
        }),
      );
      url.searchParams.delete('code_challenge');
      const res = await page.goto(url.toString());
      await page.waitForLoadState('networkidle');
      expect(res?.status()).toBe(400);
      expect(new URL(page.url()).origin).toBe(stack.url);
      expect(foreign).toEqual([]);
      expect(catcher.hits).toHaveLength(0);
      expect(await page.locator('#redirect-host').innerText()).toBe(new URL(catcher.redirectUri).host);
      expect(await page.locator('#client-link').isVisible()).toBe(true);

      await Promise.all([page.waitForURL((u) => u.origin === catcher.origin), page.click('#client-link')]);
      const hit = await catcher.next();
      expect(hit.url.searchParams.get('error')).toBe('invalid_request');
      expect(hit.url.searchParams.get('state')).toBe('st-browser');
      expect(hit.url.searchParams.get('iss')).toBe(stack.url);
      expect(hit.headers.referer).toBeUndefined();
    } finally {
      await ctx.close();
    }
  }, 60_000);

  it('a metadata-document client answered on another host: the consent page shows a visible warning naming both', async () => {
    const clientId = `${docs.base}/oauth/doc.json`;
    const redirectUri = `http://localhost:${new URL(catcher.origin).port}/cb`;
    docs.serve('/oauth/doc.json', { client_id: clientId, client_name: 'Doc Client', redirect_uris: [redirectUri] });
    const ctx = await chrome.newContext();
    try {
      const page = await ctx.newPage();
      await page.goto(authorizeUrl(stack.url, { clientId, redirectUri, challenge: pkcePair().challenge }));
      const warning = page.locator('#host-mismatch');
      expect(await warning.isVisible()).toBe(true);
      const text = await warning.innerText();
      expect(text).toContain('127.0.0.1');
      expect(text).toContain('localhost');
    } finally {
      await ctx.close();
    }
  }, 60_000);
});
