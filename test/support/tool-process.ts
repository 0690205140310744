/**
 * Third-party command-line judges (the MCP conformance runner, the MCP Inspector CLI) come from
 * `npx -y -p node@22 -p <package>@<version>`, the project's chosen way to use them without
 * adding dependencies: run through npx (`npx … -- <bin> …`, as the README's Inspector line), or
 * as the bins of npx's install, started directly (npxBins). Each runs in its own process group,
 * so a test that fails half-way still ends npx, node and whatever they started (`kill()`).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './sandbox-process.js';

export interface ToolProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** stdout and stderr, interleaved as they arrived. */
  output(): string;
  /** Resolves with the first match of `re` in the output (checked as it arrives). */
  waitFor(re: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** The exit code (or signal name). */
  exited: Promise<number | string>;
  /** Resolves with the exit code, or rejects after `timeoutMs` (and kills the group). */
  wait(timeoutMs: number): Promise<number | string>;
  kill(): void;
}

export function npxArgs(packages: string[], bin: string, args: string[]): string[] {
  return ['-y', ...packages.flatMap((p) => ['-p', p]), '--', bin, ...args];
}

/**
 * Where `npx -y -p <packages…>` puts each of `bins` (absolute paths in npx's install of those
 * packages, e.g. node@22's `node` and a package's bin), and a PATH with that install's .bin
 * first, as npx gives what it runs. Every npx run resolves its packages again (~1.1 s of CPU
 * even with everything cached), so a test spawns these paths with that PATH instead: the
 * programs npx would start. npx is asked once (`npx -c 'command -v …'`, which installs on a
 * first run) and its answer kept in test/.build/npx/ for the same packages, bins and npm cache
 * folder, as long as every bin it named is there. (For packages the working folder's project
 * does not depend on: npx would take those from the project.)
 */
export async function npxBins(
  packages: string[],
  bins: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<{ paths: string[]; path: string }> {
  for (const b of bins) if (!/^[\w@./-]+$/.test(b)) throw new Error(`not a plain bin name: ${b}`);
  const env = opts.env ?? process.env;
  const cacheDir = env.npm_config_cache ?? join(homedir(), '.npm');
  const key = createHash('sha256')
    .update(JSON.stringify([packages, bins, cacheDir]))
    .digest('hex')
    .slice(0, 16);
  const record = join(REPO_ROOT, 'test/.build/npx', `${key}.json`);
  const answer = (paths: string[], installBin: string) => ({
    paths,
    path: [installBin, env.PATH ?? ''].join(delimiter),
  });
  try {
    const kept = JSON.parse(readFileSync(record, 'utf8')) as { paths: string[]; installBin: string };
    if (kept.paths.every((p) => existsSync(p))) return answer(kept.paths, kept.installBin);
  } catch {
    // not asked yet, or npm's cache was cleared since
  }
  const { stdout } = await promisify(execFile)(
    'npx',
    [
      '-y',
      ...packages.flatMap((p) => ['-p', p]),
      '-c',
      `${bins.map((b) => `command -v ${b}`).join('; ')}; echo "PATH=$PATH"`,
    ],
    { cwd: opts.cwd ?? REPO_ROOT, env, encoding: 'utf8', timeout: 240_000 },
  );
  const lines = stdout.trim().split('\n');
  const installBin =
    lines
      .pop()
      ?.replace(/^PATH=/, '')
      .split(delimiter)[0] ?? '';
  if (lines.length !== bins.length || !lines.every((l) => dirname(l) === installBin))
    throw new Error(`npx did not name ${bins.join(', ')} in its install:\n${stdout}`);
  mkdirSync(dirname(record), { recursive: true });
  const tmp = `${record}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ packages, bins, paths: lines, installBin }));
  renameSync(tmp, record);
  return answer(lines, installBin);
}

export function startTool(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): ToolProcess {
  const child = spawn(command, args, {
    cwd: opts.cwd ?? REPO_ROOT,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  let all = '';
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const l of listeners) l();
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    all += d;
    changed();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    all += d;
    changed();
  });
  // After 'exit', let the pipes drain ('close'), but not forever: a grandchild may hold them.
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      const done = () => resolve(code ?? signal ?? -1);
      const t = setTimeout(done, 1_000);
      child.once('close', () => {
        clearTimeout(t);
        done();
      });
    }),
  );
  // The whole group, even when npx itself is gone: what it started may still run.
  const kill = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    output: () => all,
    exited,
    kill,
    waitFor(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(all);
          if (m) {
            cleanup();
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${re} in the output within ${timeoutMs} ms:\n${all.slice(-4000)}`));
        }, timeoutMs);
        const onExit = () => {
          void exited.then(() => {
            check();
            cleanup();
            reject(new Error(`exited before printing ${re}:\n${all.slice(-4000)}`));
          });
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
    async wait(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          kill();
          reject(new Error(`still running after ${timeoutMs} ms:\n${all.slice(-4000)}`));
        }, timeoutMs);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
