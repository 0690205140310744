/**
 * Child processes of the benchmark: every server runs in its own process, started the same
 * way (`node <NODE_FLAGS> <entry>`, stdout to /dev/null, stderr kept for errors), so both
 * sides pay the same loader, flags and logging sink. RSS and CPU come from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/net.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The same flags for every server; `tsx` as `npm start` loads the TypeScript sources. */
export const NODE_FLAGS = ['--import', 'tsx'];

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

export async function startNode(name: string, entry: string, env: Record<string, string>, opts: { flags?: string[]; ready?: string } = {}): Promise<NodeServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const errors: string[] = [];
  const started = performance.now();
  const child = spawn(process.execPath, [...NODE_FLAGS, ...(opts.flags ?? []), entry], {
    cwd: ROOT,
    // Each entry reads the variable it knows: PORT (servers), EMULATOR_PORT (the emulator).
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: String(port), EMULATOR_PORT: String(port), PUBLIC_URL: url, HOST: '127.0.0.1', ...env },
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
    const ok = await fetch(`${url}${opts.ready ?? '/healthz'}`).then((r) => r.ok, () => false);
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
