// The official MCP conformance suite's authorization-server scenarios
// (@modelcontextprotocol/conformance, the official MCP conformance suite): metadata, and the
// authorization code grant, whose browser step we perform through OUR consent page and
// the emulator's OSC pages to the runner's own loopback callback.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { Browser, consentFields, registerClient } from '../support/oauth-flow.js';
import { approveAtEmulator } from '../support/emulator.js';
import { freePort } from '../support/sandbox-process.js';
import { npxBins, startTool, type ToolProcess } from '../support/tool-process.js';
import { CONFORMANCE, type Check } from '../support/conformance.js';

/** The first `npx` run downloads node@22 and the runner. */
const RUN_TIMEOUT_MS = 280_000;

let stack: Stack;
let tool: ToolProcess | undefined;
let outDir: string;
/** The runner's bin in npx's install of node@22 and the runner, and npx's PATH (which puts that node first). */
let runner: { paths: string[]; path: string };

beforeAll(async () => {
  // npx installs (first run) or finds them while the stack starts.
  const bins = npxBins(['node@22', CONFORMANCE], ['conformance']);
  bins.catch(() => undefined); // awaited below, once the stack is ours to close
  stack = await startStack();
  outDir = mkdtempSync(join(tmpdir(), 'osc-mcp-conformance-'));
  runner = await bins;
}, RUN_TIMEOUT_MS);

afterAll(async () => {
  tool?.kill();
  await stack?.close();
  rmSync(outDir, { recursive: true, force: true });
});

/** The user's part: our consent page (Approve), OSC sign-in and consent, our callback, then the runner's callback. */
async function completeInBrowser(authorizationUrl: string): Promise<URL> {
  const browser = new Browser();
  const page = await browser.get(authorizationUrl);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`our /authorize answered ${page.status}: ${html.slice(0, 300)}`);
  const { pending, csrf } = consentFields(html);
  const form = new URLSearchParams({ pending, csrf, decision: 'approve' });
  for (const m of html.matchAll(/name="scope" value="([^"]+)"/g)) form.append('scope', m[1]!);
  const consent = await browser.post(`${stack.url}/consent`, form);
  if (consent.status !== 303) throw new Error(`consent answered ${consent.status}`);
  const back = await approveAtEmulator(consent.headers.get('location')!, 'alice');
  const cb = await browser.get(back.toString());
  if (cb.status !== 303) throw new Error(`our callback answered ${cb.status}: ${(await cb.text()).slice(0, 300)}`);
  const landing = new URL(cb.headers.get('location')!);
  const delivered = await fetch(landing);
  if (delivered.status !== 200) throw new Error(`the runner's callback answered ${delivered.status}`);
  return landing;
}

function readChecks(): Map<string, Check[]> {
  const out = new Map<string, Check[]>();
  for (const dir of readdirSync(outDir)) {
    const m = /^authorization-server-(.+)-\d{4}-\d{2}-\d{2}T/.exec(dir);
    if (m?.[1]) out.set(m[1], JSON.parse(readFileSync(join(outDir, dir, 'checks.json'), 'utf8')) as Check[]);
  }
  return out;
}

describe('@modelcontextprotocol/conformance authorization (authorization-server scenarios)', () => {
  it(
    'authorization-server-metadata-endpoint and authorization-code-grant pass, 0 failed',
    async () => {
      const port = await freePort();
      const client = await registerClient(stack.url, {
        client_name: 'MCP conformance runner',
        redirect_uris: [`http://127.0.0.1:${port}/callback`],
        token_endpoint_auth_method: 'none',
      });
      const started = Date.now();
      tool = startTool(
        runner.paths[0]!,
        [
          'authorization',
          '--url',
          stack.url,
          '--client-id',
          client.client_id,
          '--resource',
          stack.mcpUrl,
          '-p',
          String(port),
          '-o',
          outDir,
        ],
        { env: { ...process.env, PATH: runner.path } },
      );
      // The runner prints the authorization URL and waits for a browser to reach its callback.
      const printed = await tool.waitFor(
        new RegExp(`^(${stack.url.replace(/[.:/]/g, '\\$&')}/authorize\\?\\S+)$`, 'm'),
        RUN_TIMEOUT_MS - 30_000,
      );
      const authorizationUrl = new URL(printed[1]!);
      expect(authorizationUrl.searchParams.get('client_id')).toBe(client.client_id);
      expect(authorizationUrl.searchParams.get('resource')).toBe(stack.mcpUrl);
      expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
      const landing = await completeInBrowser(authorizationUrl.toString());
      expect(landing.searchParams.get('iss')).toBe(stack.url);
      expect(landing.searchParams.get('state')).toBe(authorizationUrl.searchParams.get('state'));

      const code = await tool.wait(60_000);
      const output = tool.stdout();
      const durationS = ((Date.now() - started) / 1000).toFixed(1);
      console.log(`conformance runner finished in ${durationS} s:\n${output.slice(output.indexOf('=== SUMMARY ==='))}`);
      expect(code, tool.output().slice(-4000)).toBe(0);
      expect(output).toMatch(/^✓ authorization-server-metadata-endpoint: \d+ passed, 0 failed$/m);
      expect(output).toMatch(/^✓ authorization-code-grant: 1 passed, 0 failed$/m);
      expect(output).toMatch(/^Total: [1-9]\d* passed, 0 failed$/m);

      const checks = readChecks();
      expect([...checks.keys()].sort()).toEqual(['authorization-code-grant', 'authorization-server-metadata-endpoint']);
      for (const [scenario, list] of checks) {
        expect(
          list.filter((c) => c.status === 'FAILURE'),
          scenario,
        ).toEqual([]);
        expect(
          list.filter((c) => c.status === 'WARNING'),
          scenario,
        ).toEqual([]);
      }
      const meta = checks.get('authorization-server-metadata-endpoint')!;
      expect(meta.find((c) => c.id === 'authorization-server-metadata')?.status).toBe('SUCCESS');
      expect(meta.find((c) => c.id === 'authorization-server-metadata-cimd')?.status).toBe('SUCCESS');
      const grant = checks.get('authorization-code-grant')!;
      expect(grant).toHaveLength(1);
      expect(grant[0]!.status).toBe('SUCCESS');
      // The runner saw our issuer on the response it received at its callback.
      expect(String(grant[0]!.details?.authorizationResponseUrl)).toContain(`iss=${encodeURIComponent(stack.url)}`);
    },
    RUN_TIMEOUT_MS + 20_000,
  );
});
