/**
 * Child processes of the benchmark: every server runs in its own process, started the same
 * way (`node [flags] <entry>`, stdout to /dev/null, stderr kept for errors), so both
 * sides pay the same loader, flags and logging sink. RSS and CPU come from /proc.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/net.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/**
 * How every server is started. `build` (default): plain `node` on JavaScript compiled by
 * bench/tsconfig.json into bench/.build (as `npm start` runs dist/); `tsx`: the TypeScript
 * loader, as the tests run the sources.
 */
export type Mode = 'build' | 'tsx';
export const nodeFlags = (mode: Mode): string[] => (mode === 'tsx' ? ['--import', 'tsx'] : []);
export const entryOf = (mode: Mode, source: string): string =>
  mode === 'tsx' ? source : `bench/.build/${source.replace(/\.ts$/, '.js')}`;

/**
 * Compiles the servers for `build` mode (the Go-native tsc takes seconds), and copies the
 * data files modules read beside themselves (the emulator's seed catalog, src/emulator/*.json).
 */
export function build(): void {
  rmSync(join(ROOT, 'bench/.build'), { recursive: true, force: true });
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'bench/tsconfig.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  for (const file of readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })) {
    if (file.endsWith('.json')) cpSync(join(ROOT, 'src', file), join(ROOT, 'bench/.build/src', file));
  }
}

/** A fixed test key (as test/support/stack.ts): the bench's Redis is its own and thrown away. */
export const BENCH_SEAL_KEY = Buffer.alloc(32, 7);
const SEAL_KEY = BENCH_SEAL_KEY.toString('base64');

/** osc-mcp as every bench run starts it: against the emulator, with the Redis store. */
function oscMcpEnv(emulatorUrl: string, redisUrl: string): Record<string, string> {
  return {
    OSC_ENVIRONMENT: 'emu',
    OSC_EMULATOR_URL: emulatorUrl,
    REDIS_URL: redisUrl,
    SEAL_KEYS: SEAL_KEY,
    LOG_LEVEL: 'info',
    // The per-grant budget (INPUT-08) still runs on every call; it is raised so the bench's
    // one grant is not refused after 60 calls.
    TOOL_CALLS_PER_MINUTE: '100000000',
  };
}

/** The two sides of the tool-call comparison, each with `env` added (a preload's settings). */
export const startSide = {
  ours: (mode: Mode, emu: { url: string; redisUrl: string }, env: Record<string, string>, flags: string[]) =>
    startNode('osc-mcp', mode, 'src/main.ts', { ...oscMcpEnv(emu.url, emu.redisUrl), ...env }, { flags }),
  /** The bare SDK server (./bare-server.ts) with a PAT the emulator minted. */
  bare: (mode: Mode, emu: { url: string; pat: string }, env: Record<string, string>, flags: string[]) =>
    startNode(
      'bare-sdk',
      mode,
      'bench/bare-server.ts',
      { OSC_ENVIRONMENT: 'emu', OSC_EMULATOR_URL: emu.url, BENCH_PAT: emu.pat, ...env },
      { flags },
    ),
};

export interface NodeServer {
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
  /** Spawn → first 200 from /healthz, ms. */
  coldStartMs: number;
  stderr(): string;
  rssBytes(): number;
  /** User + system CPU time so far, ms. */
  cpuMs(): number;
  stop(): Promise<void>;
}

const TICK_MS = 1000 / 100;

export async function startNode(
  name: string,
  mode: Mode,
  source: string,
  env: Record<string, string>,
  opts: { flags?: string[]; ready?: string } = {},
): Promise<NodeServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const errors: string[] = [];
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeFlags(mode), ...(opts.flags ?? []), entryOf(mode, source)], {
    cwd: ROOT,
    // Each entry reads the variable it knows: PORT (servers), EMULATOR_PORT (the emulator).
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      EMULATOR_PORT: String(port),
      PUBLIC_URL: url,
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', openSync('/dev/null', 'w'), 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => {
    if (errors.join('').length < 8192) errors.push(d.toString());
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${name} exited before /healthz: ${errors.join('')}`);
    if (performance.now() - started > 30_000) throw new Error(`${name}: no /healthz within 30 s: ${errors.join('')}`);
    const ok = await fetch(`${url}${opts.ready ?? '/healthz'}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const coldStartMs = performance.now() - started;
  const stat = () => readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return {
    name,
    url,
    port,
    child,
    coldStartMs,
    stderr: () => errors.join(''),
    rssBytes: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) * 1024,
    // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted after the ") " of comm.
    cpuMs: () => {
      const f = stat();
      return (Number(f[11]) + Number(f[12])) * TICK_MS;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
      }),
  };
}
