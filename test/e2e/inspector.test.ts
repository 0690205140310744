// The MCP Inspector CLI (@modelcontextprotocol/inspector 2.12.0) against `npm run sandbox`:
// it discovers, registers and authorizes by itself (its own PKCE, its own loopback
// callback), through OUR consent page; then, on its stored tokens, the issue-4 journey:
// create_instance → list_instances shows it → read_logs → delete_instance (confirm) → gone.
//
// How the Inspector opens the authorization URL (clients/cli/build/index.js 2.12.0,
// core/cli/cli-oauth-navigation.ts): it prints "Please navigate to: <url>" on stderr and,
// with MCP_AUTO_OPEN_ENABLED=true (required without a TTY), calls the `open` package, which
// runs `xdg-open`, which with no desktop runs $BROWSER <url>. $BROWSER is our fetch-driven
// stand-in (test/support/fetch-browser.mjs).
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, cleanEnv, freePort, startSandbox, type SandboxProcess } from '../support/sandbox-process.js';
import { npxArgs, npxBins, startTool, type ToolProcess } from '../support/tool-process.js';

/**
 * The README's Inspector line (section "Clients"), run as written: its package and its
 * arguments, with the sandbox's URL in place of the default port's. This machine's Node is
 * older than the Inspector needs, so npx adds node@22 (the README says Node 22 or later); the
 * test adds its own callback port and JSON output.
 */
const README_LINE =
  /^npx -y (@modelcontextprotocol\/inspector@\S+) --cli (http:\/\/127\.0\.0\.1:8080\/mcp) (.+)$/m.exec(
    readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'),
  );
if (!README_LINE)
  throw new Error(
    'README has no Inspector line of the form `npx -y @modelcontextprotocol/inspector@<version> --cli http://127.0.0.1:8080/mcp …`',
  );
const INSPECTOR = README_LINE[1]!;
const README_ARGS = README_LINE[3]!.split(' ');
const FIRST_RUN_TIMEOUT_MS = 240_000;
const RUN_TIMEOUT_MS = 90_000;
const BROWSER_SCRIPT = fileURLToPath(new URL('../support/fetch-browser.mjs', import.meta.url));

let sb: SandboxProcess;
let home: string;
let callbackPort: number;
let browserLog: string;
/** npx's node@22 and mcp-inspector, for the runs after the README line (see `inspector`). */
let direct: { node: string; bin: string; path: string };
const running = new Set<ToolProcess>();

interface BrowserStep {
  url?: string;
  method?: string;
  status?: number;
  kind: string;
  to?: string;
  clientName?: string;
  redirectHost?: string;
  unverified?: boolean;
  scopes?: string[];
  message?: string;
}

function browserSteps(): BrowserStep[] {
  if (!existsSync(browserLog)) return [];
  return readFileSync(browserLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as BrowserStep);
}

function inspectorEnv(): NodeJS.ProcessEnv {
  for (const p of [process.execPath, BROWSER_SCRIPT]) {
    if (/[\s:]/.test(p)) throw new Error(`$BROWSER cannot hold a path with spaces or ':' (${p})`);
  }
  return cleanEnv({
    HOME: home,
    // HOME moves (the Inspector keeps its catalog and tokens under it); npm's cache and
    // user config must not (no second download, the same registry settings).
    npm_config_cache: process.env.npm_config_cache ?? join(homedir(), '.npm'),
    npm_config_userconfig: process.env.npm_config_userconfig ?? join(homedir(), '.npmrc'),
    npm_config_update_notifier: 'false',
    // npx takes what npm's cache holds (node@22 and the Inspector, the packages and their
    // metadata) without asking the registry again whether it is current: ~0.2 s of CPU less
    // per npx run; what the cache lacks is still downloaded (a first run).
    npm_config_prefer_offline: 'true',
    MCP_AUTO_OPEN_ENABLED: 'true',
    MCP_INSPECTOR_SECRET_STORE: 'file',
    MCP_INSPECTOR_SECRET_FILE: join(home, 'secrets.json'),
    BROWSER: `${process.execPath} ${BROWSER_SCRIPT}`,
    FETCH_BROWSER_LOG: browserLog,
    FETCH_BROWSER_USER: 'alice',
    NO_COLOR: '1',
    // No desktop: xdg-open takes its generic path, which runs $BROWSER.
    DISPLAY: undefined,
    WAYLAND_DISPLAY: undefined,
    XDG_CURRENT_DESKTOP: undefined,
    DESKTOP_SESSION: undefined,
    KDE_FULL_SESSION: undefined,
    GNOME_DESKTOP_SESSION_ID: undefined,
  });
}

interface Run {
  code: number | string;
  stdout: string;
  stderr: string;
  json: {
    result?: {
      content?: Array<{ type: string; text?: string }>;
      structuredContent?: Record<string, unknown>;
      isError?: boolean;
      tools?: Array<{ name: string }>;
    };
    error?: { code?: string; message?: string };
  };
  durationS: number;
}

/**
 * One Inspector CLI run. The README line runs through npx as written (`via: 'npx'`); the
 * runs on its stored tokens start npx's own node@22 and mcp-inspector directly, with npx's
 * PATH: the same programs npx would start, without npx resolving the packages again for
 * each run (~0.9 s of CPU and ~2 s on this machine per run).
 */
async function inspector(args: string[], timeoutMs = RUN_TIMEOUT_MS, via: 'npx' | 'direct' = 'direct'): Promise<Run> {
  const started = Date.now();
  const cliArgs = [
    '--cli',
    sb.mcpUrl,
    '--callback-url',
    `http://127.0.0.1:${callbackPort}/oauth/callback`,
    '--format',
    'json',
    ...args,
  ];
  const t =
    via === 'npx'
      ? startTool('npx', npxArgs(['node@22', INSPECTOR], 'mcp-inspector', cliArgs), { env: inspectorEnv(), cwd: home })
      : startTool(direct.node, [direct.bin, ...cliArgs], { env: { ...inspectorEnv(), PATH: direct.path }, cwd: home });
  running.add(t);
  try {
    const code = await t.wait(timeoutMs);
    const stdout = t.stdout();
    let json: Run['json'] = {};
    const start = stdout.indexOf('{');
    if (start >= 0) json = JSON.parse(stdout.slice(start)) as Run['json'];
    else if (t.stderr().includes('{"error"'))
      json = JSON.parse(t.stderr().slice(t.stderr().indexOf('{"error"')).split('\n')[0]!) as Run['json'];
    return { code, stdout, stderr: t.stderr(), json, durationS: (Date.now() - started) / 1000 };
  } finally {
    t.kill();
    running.delete(t);
  }
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'osc-mcp-inspector-'));
  browserLog = join(home, 'browser.jsonl');
  // npx installs (first run) or finds node@22 and the Inspector while the sandbox boots.
  const bins = npxBins(['node@22', INSPECTOR], ['node', 'mcp-inspector'], { env: inspectorEnv(), cwd: home });
  bins.catch(() => undefined); // awaited below, once the sandbox is ours to kill
  sb = await startSandbox({ env: { EMULATOR_AUTO_CONSENT: 'alice' } });
  // Chosen once the sandbox listens: its emulator binds port 0 as it starts, and could be
  // given a port found free before.
  callbackPort = await freePort();
  const { paths, path } = await bins;
  direct = { node: paths[0]!, bin: paths[1]!, path };
}, FIRST_RUN_TIMEOUT_MS);

afterAll(() => {
  for (const t of running) t.kill();
  sb?.kill();
  rmSync(home, { recursive: true, force: true });
});

describe('MCP Inspector CLI against npm run sandbox', () => {
  it(
    'the README line (tools/list, no header): the Inspector registers, opens our consent page (approved), finishes OAuth and lists the tools',
    async () => {
      expect(README_ARGS).toEqual(['--method', 'tools/list']);
      const run = await inspector(README_ARGS, FIRST_RUN_TIMEOUT_MS, 'npx');
      console.log(`inspector tools/list (with OAuth) took ${run.durationS.toFixed(1)} s, exit ${run.code}`);
      expect(run.code, `${run.stderr.slice(-3000)}\n${run.stdout.slice(0, 500)}`).toBe(0);
      const names = (run.json.result?.tools ?? []).map((t) => t.name);
      expect(names).toEqual(
        expect.arrayContaining([
          'list_services',
          'list_instances',
          'create_instance',
          'delete_instance',
          'read_logs',
          'token_balance',
        ]),
      );

      // It printed OUR authorization URL, with PKCE S256 and the resource indicator.
      const printed = /Please navigate to: (\S+)/.exec(run.stderr)?.[1];
      expect(printed, run.stderr).toBeDefined();
      const authUrl = new URL(printed!);
      expect(`${authUrl.origin}${authUrl.pathname}`).toBe(new URL('/authorize', sb.mcpUrl).toString());
      expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authUrl.searchParams.get('resource')).toBe(sb.mcpUrl);
      expect(authUrl.searchParams.get('redirect_uri')).toBe(`http://127.0.0.1:${callbackPort}/oauth/callback`);
      expect(run.stderr).toContain('Authorization complete');

      // The journey the stand-in browser made: our consent page (self-declared name, the
      // Inspector's loopback callback host), OSC (auto consent), our callback, the Inspector.
      const steps = browserSteps();
      expect(steps.filter((s) => s.kind === 'failed')).toEqual([]);
      const consent = steps.find((s) => s.kind === 'consent');
      expect(consent).toMatchObject({
        url: new URL('/authorize', sb.mcpUrl).toString(),
        status: 200,
        unverified: true,
        redirectHost: `127.0.0.1:${callbackPort}`,
      });
      expect(consent?.clientName).toBeTruthy();
      expect(consent?.scopes).toEqual(['osc:read', 'osc:write']);
      expect(steps.map((s) => `${s.kind} ${s.url}`)).toEqual([
        `consent ${new URL('/authorize', sb.mcpUrl).toString()}`,
        `redirect ${new URL('/consent', sb.mcpUrl).toString()}`,
        `redirect ${sb.emulatorUrl}/api/connect/authorize`,
        `redirect ${new URL('/oauth/callback', sb.mcpUrl).toString()}`,
        `landed http://127.0.0.1:${callbackPort}/oauth/callback`,
      ]);
      expect(steps.at(-1)?.status).toBe(200);
    },
    FIRST_RUN_TIMEOUT_MS + 20_000,
  );

  describe('on its stored tokens (--stored-auth-only: no second authorization)', () => {
    const NAME = `insp${Date.now().toString(36)}`;
    const SERVICE = 'minio-minio';

    it(
      'create_instance creates it (credentials redacted)',
      async () => {
        const before = browserSteps().length;
        const run = await inspector([
          '--stored-auth-only',
          '--method',
          'tools/call',
          '--tool-name',
          'create_instance',
          '--tool-args-json',
          JSON.stringify({
            serviceId: SERVICE,
            name: NAME,
            options: { RootUser: 'admin', RootPassword: 'inspector-s3cret-pw' },
          }),
        ]);
        console.log(`inspector create_instance took ${run.durationS.toFixed(1)} s`);
        expect(run.code, run.stderr.slice(-2000)).toBe(0);
        expect(run.json.result?.isError).toBeFalsy();
        expect(run.json.result?.structuredContent).toMatchObject({ instance: { serviceId: SERVICE, name: NAME } });
        expect(run.stdout).not.toContain('inspector-s3cret-pw');
        expect(browserSteps().length).toBe(before);
        const tenant = (await (await fetch(`${sb.emulatorUrl}/__emulator/tenants/alice-team`)).json()) as {
          instances: Record<string, string[]>;
        };
        expect(tenant.instances[SERVICE]).toContain(NAME);
      },
      RUN_TIMEOUT_MS + 10_000,
    );

    it(
      'list_instances shows it',
      async () => {
        const run = await inspector([
          '--stored-auth-only',
          '--method',
          'tools/call',
          '--tool-name',
          'list_instances',
          '--tool-arg',
          `serviceId=${SERVICE}`,
        ]);
        expect(run.code, run.stderr.slice(-2000)).toBe(0);
        const listed = run.json.result?.structuredContent as { instances: Array<{ name: string }>; count: number };
        expect(listed.instances.map((i) => i.name)).toContain(NAME);
      },
      RUN_TIMEOUT_MS + 10_000,
    );

    it(
      'read_logs returns its log lines, quoted as data',
      async () => {
        const run = await inspector([
          '--stored-auth-only',
          '--method',
          'tools/call',
          '--tool-name',
          'read_logs',
          '--tool-arg',
          `serviceId=${SERVICE}`,
          `name=${NAME}`,
        ]);
        expect(run.code, run.stderr.slice(-2000)).toBe(0);
        const logs = run.json.result?.structuredContent as { lines: string[] };
        expect(logs.lines.length).toBeGreaterThan(0);
        expect(logs.lines.join('\n')).toContain(NAME);
      },
      RUN_TIMEOUT_MS + 10_000,
    );

    it(
      'delete_instance without confirm is refused as a tool result; with confirm=true it deletes; list_instances no longer shows it',
      async () => {
        const refused = await inspector([
          '--stored-auth-only',
          '--method',
          'tools/call',
          '--tool-name',
          'delete_instance',
          '--tool-args-json',
          JSON.stringify({ serviceId: SERVICE, name: NAME }),
        ]);
        expect(refused.json.result?.isError).toBe(true);
        expect(refused.json.result?.content?.[0]?.text).toMatch(/confirm/);
        let tenant = (await (await fetch(`${sb.emulatorUrl}/__emulator/tenants/alice-team`)).json()) as {
          instances: Record<string, string[]>;
        };
        expect(tenant.instances[SERVICE]).toContain(NAME);

        const deleted = await inspector([
          '--stored-auth-only',
          '--method',
          'tools/call',
          '--tool-name',
          'delete_instance',
          '--tool-args-json',
          JSON.stringify({ serviceId: SERVICE, name: NAME, confirm: true }),
        ]);
        expect(deleted.code, deleted.stderr.slice(-2000)).toBe(0);
        expect(deleted.json.result?.structuredContent).toMatchObject({ serviceId: SERVICE, name: NAME, deleted: true });

        const listed = await inspector([
          '--stored-auth-only',
          '--method',
          'tools/call',
          '--tool-name',
          'list_instances',
          '--tool-arg',
          `serviceId=${SERVICE}`,
        ]);
        expect(listed.code).toBe(0);
        const after = listed.json.result?.structuredContent as { instances: Array<{ name: string }> } | undefined;
        expect(after?.instances).toBeInstanceOf(Array);
        expect(after?.instances.map((i) => i.name)).not.toContain(NAME);
        tenant = (await (await fetch(`${sb.emulatorUrl}/__emulator/tenants/alice-team`)).json()) as {
          instances: Record<string, string[]>;
        };
        expect(tenant.instances[SERVICE] ?? []).not.toContain(NAME);
      },
      3 * RUN_TIMEOUT_MS,
    );
  });
});
