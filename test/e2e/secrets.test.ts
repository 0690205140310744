// Issue 19, "Done when" (SECRET-10): the MCP SDK client, after the full OAuth flow over real
// HTTP, against the sandbox (the server through its boot path, the emulator, a Redis store):
// set_secret gives a link; headless Chromium opens it, signs in through OSC as the grant's user
// and types the value; list_secrets shows the name; create_database creates a PostgreSQL with its
// password as a secret, waits until ready and returns a connection string whose password is a
// reference; get_instance_endpoints gives host and port; update_instance changes an option; a
// config store is created, set and read back; the connection details page shows the database's
// strings with the password as a reference. A second user (bob) signed in on the page cannot
// set the first user's secret. Then a leak scan of every tool result, every HTTP response to the
// client (the SDK's and the browser's), every server log line and every Redis record: neither the
// typed value nor the generated password is anywhere.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { BrowserContext, Page } from 'playwright-core';
import { startRedisStack, type Stack } from '../support/stack.js';
import { connectWithOAuth, HeadlessProvider } from '../support/sdk-oauth-provider.js';
import { findSecrets, logHaystacks, recordResponses, type Haystack } from '../support/leak-scan.js';
import { chromiumAvailable, launchChromium, type HeadlessChromium } from '../support/chromium.js';
import { until } from '../support/wait.js';

/** What the person types on the page: a canary no result, response, log line or record may hold. */
const TYPED = `typed-on-the-page-${randomUUID().replace(/-/g, '')}`;
const BOB_TRIED = `bob-tried-${randomUUID().replace(/-/g, '')}`;

let stack: Stack;
let redis: Awaited<ReturnType<typeof startRedisStack>>['redis'];
let recorder: ReturnType<typeof recordResponses>;
let client: Client;
let chrome: HeadlessChromium;
const provider = new HeadlessProvider('alice', 'http://127.0.0.1:7794/callback');
const results: CallToolResult[] = [];
/** Every response of ours the browser received, bodies included. */
const browserSeen: Haystack[] = [];

beforeAll(async () => {
  // Instances (the database, the config store) start after 200 ms (src/emulator/README.md).
  ({ stack, redis } = await startRedisStack(inject('redisUrl'), 'secrets-e2e', { emulator: { instanceStartMs: 200 } }));
  recorder = recordResponses(new URL(stack.url).origin);
  client = await connectWithOAuth(stack.mcpUrl, provider, 'secrets-e2e');
  if (chromiumAvailable()) chrome = await launchChromium();
}, 120_000);

afterAll(async () => {
  await client?.close().catch(() => undefined);
  await chrome?.close();
  await recorder?.stop();
  await stack?.close();
  await redis?.cleanup();
});

async function call(name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  const r = (await client.callTool({ name, arguments: args }, CallToolResultSchema, {
    timeout: 60_000,
  })) as CallToolResult;
  results.push(r);
  return r;
}
const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
const sc = <T>(r: CallToolResult) => r.structuredContent as T;

/** A page that records every response of ours (headers and body) for the leak scan. */
async function recordedPage(ctx: BrowserContext): Promise<Page> {
  const page = await ctx.newPage();
  page.on('response', (res) => {
    if (!res.url().startsWith(stack.url)) return;
    void res
      .allHeaders()
      .then(async (h) => {
        const body = await res.text().catch(() => '');
        browserSeen.push({ where: `browser ${res.status()} ${res.url()}`, text: `${JSON.stringify(h)}\n${body}` });
      })
      .catch(() => undefined);
  });
  return page;
}

/** A fresh browser (cookie jar) whose page records our responses; closed afterwards. */
async function inBrowser(use: (page: Page, ctx: BrowserContext) => Promise<void>): Promise<void> {
  const ctx = await chrome.newContext();
  try {
    await use(await recordedPage(ctx), ctx);
  } finally {
    await ctx.close();
  }
}

/** Opens a secret link signed out: OSC's sign-in (the emulator's pages) as `user`, back on our page; our page's status. */
async function signInThroughLink(page: Page, url: string, user: string): Promise<number | undefined> {
  await page.goto(url);
  expect(new URL(page.url()).origin).toBe(stack.emulator.url);
  let [res] = await Promise.all([page.waitForNavigation(), page.click(`#signin-${user}`)]);
  // OSC asks for consent the first time a user signs in to our client; later it may remember.
  if (new URL(page.url()).origin === stack.emulator.url)
    [res] = await Promise.all([page.waitForNavigation(), page.click('#allow')]);
  expect(page.url()).toBe(url);
  return res?.status();
}

describe.skipIf(!chromiumAvailable())(
  'SECRET-10: secrets typed by the user, databases, endpoints, updates, config',
  () => {
    it('set_secret gives a link; alice signs in on it in Chromium and types the value; list_secrets shows the name', async () => {
      const asked = await call('set_secret', { serviceId: 'birme-osc-postgresql', secretName: 'apptoken' });
      expect(asked.isError, text(asked)).toBeFalsy();
      const { url, exists } = sc<{ url: string; exists: boolean }>(asked);
      expect(exists).toBe(false);
      expect(url).toMatch(new RegExp(`^${stack.url}/secrets/enter/[A-Za-z0-9_-]{43}$`));
      expect(text(asked)).toContain(url);

      await inBrowser(async (page) => {
        expect(await signInThroughLink(page, url, 'alice')).toBe(200);
        const body = await page.locator('body').innerText();
        expect(body).toContain('SDK e2e client');
        expect(body).toContain('birme-osc-postgresql');
        expect(body).toContain('apptoken');
        await page.fill('#secretValue', TYPED);
        await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"]')]);
        expect(await page.locator('h1').textContent()).toBe('Secret stored');
        expect(await page.content()).not.toContain(TYPED);
        // Used once: the same link now says so.
        expect((await page.goto(url))?.status()).toBe(410);
      });
      expect(await stack.emulator.control.canaries()).toContain(TYPED);
      const listed = await call('list_secrets', { serviceId: 'birme-osc-postgresql' });
      expect(sc<{ names: string[] }>(listed).names).toContain('apptoken');
      const again = await call('set_secret', { serviceId: 'birme-osc-postgresql', secretName: 'apptoken' });
      expect(sc<{ exists: boolean }>(again).exists).toBe(true);
    }, 90_000);

    it('bob, signed in on the page, cannot set alice’s secret; the link stays hers', async () => {
      const asked = await call('set_secret', { serviceId: 'birme-osc-postgresql', secretName: 'alicesonly' });
      const { url } = sc<{ url: string }>(asked);
      await inBrowser(async (page, ctx) => {
        expect(await signInThroughLink(page, url, 'bob')).toBe(403);
        const body = await page.locator('body').innerText();
        expect(body).toContain('This link is for another OSC user');
        expect(await page.locator('#secretValue').count()).toBe(0);
        // A forged submission from bob's browser (his session, any token): refused.
        const forged = await ctx.request.post(url, {
          form: { csrf: 'x'.repeat(43), secretValue: BOB_TRIED },
          headers: { origin: stack.url },
        });
        expect(forged.status()).toBe(403);
      });
      // The link is still alice's: signed in as her, the form is there.
      await inBrowser(async (page) => {
        expect(await signInThroughLink(page, url, 'alice')).toBe(200);
        expect(await page.locator('#secretValue').count()).toBe(1);
      });
      expect(await stack.emulator.control.canaries()).not.toContain(BOB_TRIED);
      const listed = await call('list_secrets', { serviceId: 'birme-osc-postgresql' });
      expect(sc<{ names: string[] }>(listed).names).not.toContain('alicesonly');
    }, 90_000);

    it('create_database, get_instance_endpoints, update_instance, a config store; then the leak scan', async () => {
      const db = await call('create_database', { serviceId: 'birme-osc-postgresql', name: 'e2edb', waitSeconds: 30 });
      expect(db.isError, text(db)).toBeFalsy();
      const out = sc<{ connectionString: string; ready: boolean; secretName: string; host?: string; port?: number }>(
        db,
      );
      expect(out.ready).toBe(true);
      expect(out.connectionString).toMatch(
        /^postgresql:\/\/postgres:\{\{secrets\.e2edb-password\}\}@[^:/]+:\d+\/postgres$/,
      );

      // The connection details page, in alice's browser: the live strings, the password as a reference.
      const detailsUrl = String((db.structuredContent as { detailsUrl?: string }).detailsUrl);
      await inBrowser(async (page) => {
        expect(await signInThroughLink(page, detailsUrl, 'alice')).toBe(200);
        const shown = await page.locator('body').innerText();
        expect(shown).toContain('postgresql://postgres:{{secrets.e2edb-password}}@');
        expect(shown).toContain('cannot show the password');
      });

      const ends = await call('get_instance_endpoints', { serviceId: 'birme-osc-postgresql', name: 'e2edb' });
      expect(ends.isError, text(ends)).toBeFalsy();
      const e = sc<{
        external: Array<{ ip: string; port: number }>;
        internalDns?: string;
        internalPorts: Array<{ port: number }>;
      }>(ends);
      expect(e.external[0]?.ip).toEqual(expect.any(String));
      expect(e.external[0]?.port).toEqual(expect.any(Number));
      expect(e.internalPorts.map((p) => p.port)).toContain(5432);

      const upd = await call('update_instance', {
        serviceId: 'birme-osc-postgresql',
        name: 'e2edb',
        options: { PostgresDb: 'shop' },
      });
      expect(upd.isError, text(upd)).toBeFalsy();
      const got = await call('get_instance', { serviceId: 'birme-osc-postgresql', name: 'e2edb' });
      expect(got.structuredContent).toMatchObject({ fields: { PostgresDb: 'shop' } });

      expect((await call('create_config_store', { store: 'e2ecfg' })).isError).toBeFalsy();
      // The store is an instance: set_config works once it runs.
      await until(
        async () => !(await call('set_config', { store: 'e2ecfg', parameter: 'LOG_LEVEL', value: 'debug' })).isError,
        20_000,
        'set_config on a running store',
      );
      const read = await call('get_config', { store: 'e2ecfg', parameter: 'LOG_LEVEL' });
      expect(read.structuredContent).toMatchObject({ store: 'e2ecfg', parameter: 'LOG_LEVEL', value: 'debug' });

      // The values to look for: what alice typed, and the password OSC holds for the database
      // (the emulator's record of service secrets; nothing of ours returns it).
      const { secrets } = (await (await fetch(`${stack.emulator.url}/__emulator/secrets`)).json()) as {
        secrets: Array<{ kind: string; value: string }>;
      };
      const serviceSecrets = secrets.filter((s) => s.kind === 'service_secret').map((s) => s.value);
      expect(serviceSecrets).toContain(TYPED);
      const generated = serviceSecrets.filter((v) => v !== TYPED);
      expect(generated).toHaveLength(1);

      await recorder.stop();
      const records = await redis.dump();
      const haystacks: Haystack[] = [
        ...results.map((r, i) => ({ where: `tool result[${i}]`, text: JSON.stringify(r) })),
        ...recorder.haystacks(),
        ...browserSeen,
        ...logHaystacks(stack.logs, 'server log'),
        ...records.map((k) => ({ where: `redis ${k.key}`, text: `${k.key} ${k.value}` })),
      ];
      // The scan saw what it claims to: the tool calls, the pages, the server's lines, the grant and the links.
      expect(recorder.responses.filter((r) => r.url === stack.mcpUrl).length).toBeGreaterThanOrEqual(results.length);
      expect(browserSeen.some((h) => h.text.includes('Secret stored'))).toBe(true);
      expect(browserSeen.some((h) => h.text.includes('Connection details'))).toBe(true);
      expect(stack.logs.some((l) => l.includes('secret_entry_stored'))).toBe(true);
      expect(records.some((k) => k.key.includes('grant'))).toBe(true);
      expect(records.some((k) => k.key.includes('secretEntry'))).toBe(true);
      expect(findSecrets(haystacks, [TYPED, BOB_TRIED, ...generated])).toEqual([]);
      console.log(
        `SECRET-10 leak scan: ${results.length} tool results, ${recorder.responses.length} HTTP responses to the SDK client, ` +
          `${browserSeen.length} to the browser, ${stack.logs.length} log lines, ${records.length} Redis records: ` +
          'the typed value and the generated password in none',
      );
    }, 120_000);
  },
);
