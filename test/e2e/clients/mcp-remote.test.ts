// mcp-remote 0.15.1 (the stdio bridge Claude Desktop users run) against `npm run sandbox`,
// driven the way Claude Desktop drives it: an MCP client on its stdio. It discovers,
// registers, opens the authorization URL with $BROWSER (our fetch-driven stand-in,
// test/support/fetch-browser.mjs, which approves our consent page and the emulator's OSC
// pages), receives the code on its loopback callback, and then lists tools, calls one, and
// refreshes an expired access token by itself.
//
// Then the server loses every registration (the sandbox restarts on the same port with a
// memory store): mcp-remote's next start holds a dead client id. It recovers by itself — our
// /token answers its refresh with invalid_client (and /authorize would answer its JSON
// preflight the same way, test/integration/oauth/cimd.test.ts), so it registers again —
// without the user deleting its cache (MCP_REMOTE_CONFIG_DIR) or anything else.
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { cleanEnv, freePort, startSandbox, type SandboxProcess } from '../../support/sandbox-process.js';
import { tokenExpired } from '../../support/sdk-oauth-provider.js';

const PROXY = createRequire(import.meta.url).resolve('mcp-remote/dist/proxy.js');
const BROWSER_SCRIPT = fileURLToPath(new URL('../../support/fetch-browser.mjs', import.meta.url));
const ACCESS_TTL_S = 4;

let sandbox: SandboxProcess;
let port: number;
let configDir: string;
let callbackPort: number;
let stderr = '';

function bridgeEnv(): Record<string, string> {
  for (const p of [process.execPath, BROWSER_SCRIPT]) {
    if (/[\s:]/.test(p)) throw new Error(`$BROWSER cannot hold a path with spaces or ':' (${p})`);
  }
  const env = cleanEnv({
    MCP_REMOTE_CONFIG_DIR: configDir,
    BROWSER: `${process.execPath} ${BROWSER_SCRIPT}`,
    FETCH_BROWSER_USER: 'alice',
    FETCH_BROWSER_LOG: join(configDir, 'browser.jsonl'),
    // No desktop: `open` runs xdg-open, which runs $BROWSER.
    DISPLAY: undefined,
    WAYLAND_DISPLAY: undefined,
    XDG_CURRENT_DESKTOP: undefined,
    DESKTOP_SESSION: undefined,
  });
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

async function startBridge(): Promise<{ client: Client; close(): Promise<void> }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [PROXY, sandbox.mcpUrl, String(callbackPort), '--allow-http'],
    env: bridgeEnv(),
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const client = new Client({ name: 'claude-desktop-stand-in', version: '1.0.0' });
  await client.connect(transport, { timeout: 120_000 });
  return { client, close: () => client.close() };
}

function cachedFile(suffix: string): string | undefined {
  const dir = readdirSync(configDir, { recursive: true, withFileTypes: true }).find(
    (d) => d.isFile() && d.name.endsWith(suffix),
  );
  return dir ? join(dir.parentPath, dir.name) : undefined;
}

function cached(suffix: string): Record<string, unknown> | undefined {
  const file = cachedFile(suffix);
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : undefined;
}

async function tokenBalance(client: Client): Promise<string> {
  const r = await client.callTool({ name: 'token_balance', arguments: {} });
  expect(r.isError ?? false).toBe(false);
  return (r.content as { text?: string }[]).map((c) => c.text ?? '').join('\n');
}

/**
 * Listens on `at` until released: the callback port stays taken while a sandbox starts, whose
 * emulator binds port 0 and could otherwise be given it (then mcp-remote's callback cannot
 * listen and the sign-in never completes).
 */
async function holdPort(at: number): Promise<() => Promise<void>> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(at, '127.0.0.1', resolve);
  });
  return () => new Promise<void>((resolve) => srv.close(() => resolve()));
}

beforeAll(async () => {
  configDir = mkdtempSync(join(tmpdir(), 'osc-mcp-remote-'));
  port = await freePort();
  sandbox = await startSandbox({ port, env: { ACCESS_TOKEN_TTL_S: String(ACCESS_TTL_S) } });
  // Chosen once the sandbox listens (its emulator binds port 0 as it starts).
  callbackPort = await freePort();
}, 90_000);

afterAll(async () => {
  sandbox?.kill();
  await sandbox?.exited;
  // The bridge's own log and the stand-in browser's pages, when asked for (no secrets:
  // mcp-remote redacts tokens, the browser logs URLs without their query).
  const log = process.env.MCP_REMOTE_TEST_LOG;
  if (log) {
    writeFileSync(log, stderr);
    if (existsSync(join(configDir, 'browser.jsonl')))
      copyFileSync(join(configDir, 'browser.jsonl'), `${log}.browser.jsonl`);
  }
  rmSync(configDir, { recursive: true, force: true });
});

describe('mcp-remote 0.15.1 over stdio', () => {
  it('first start: registers, signs in through our consent page, lists tools, calls one, refreshes an expired token', async () => {
    const bridge = await startBridge();
    try {
      const tools = (await bridge.client.listTools()).tools.map((t) => t.name);
      expect(tools).toContain('token_balance');
      expect(await tokenBalance(bridge.client)).toMatch(/token/i);
      const before = cached('_tokens.json');
      expect(before?.refresh_token).toBeTruthy();
      // Past the access token's lifetime (written to its cache after the server issued it):
      // mcp-remote refreshes by itself and the call succeeds.
      await tokenExpired(statSync(cachedFile('_tokens.json')!).mtimeMs, ACCESS_TTL_S);
      expect(await tokenBalance(bridge.client)).toMatch(/token/i);
      const after = cached('_tokens.json');
      expect(after?.refresh_token).toBeTruthy();
      expect(after?.refresh_token).not.toBe(before?.refresh_token);
    } finally {
      await bridge.close();
    }
  }, 240_000);

  it('after the server lost its registration, the next start recovers without the user deleting anything', async () => {
    const staleClient = cached('_client_info.json')?.client_id;
    expect(staleClient).toBeTruthy();
    // The server forgets every client and token: same URL, fresh memory store.
    sandbox.kill();
    await sandbox.exited;
    const release = await holdPort(callbackPort);
    try {
      sandbox = await startSandbox({ port, env: { ACCESS_TOKEN_TTL_S: String(ACCESS_TTL_S) } });
    } finally {
      await release();
    }

    const bridge = await startBridge();
    try {
      expect(await tokenBalance(bridge.client)).toMatch(/token/i);
      const fresh = cached('_client_info.json')?.client_id;
      expect(fresh).toBeTruthy();
      expect(fresh).not.toBe(staleClient);
    } finally {
      await bridge.close();
    }
    // The dead client id was refused in words a client can act on, and logged with the reason.
    expect(sandbox.output()).toMatch(/"event":"token_refused"[^\n]*not registered here/);
  }, 240_000);
});
