/**
 * Third-party command-line judges (the MCP conformance runner, the MCP Inspector CLI) run
 * through `npx -y -p node@22 -p <package>@<version> -- <bin> …`, the project's chosen way
 * to use them without adding dependencies. Each runs in its own process group, so a test
 * that fails half-way still ends npx, node and whatever they started (`kill()`).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
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
 * packages, e.g. node@22's `node` and a package's bin), asked once with `npx -c 'command -v …'`.
 * Every npx run resolves its packages again (~0.7 s of CPU even with everything cached); a
 * test that runs the same tool many times spawns these paths instead, with the returned
 * `path` (the install's .bin first, as npx sets it) as its PATH.
 */
export async function npxBins(
  packages: string[],
  bins: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<{ paths: string[]; path: string }> {
  for (const b of bins) if (!/^[\w@./-]+$/.test(b)) throw new Error(`not a plain bin name: ${b}`);
  const { stdout } = await promisify(execFile)(
    'npx',
    [
      '-y',
      ...packages.flatMap((p) => ['-p', p]),
      '-c',
      `${bins.map((b) => `command -v ${b}`).join('; ')}; echo "PATH=$PATH"`,
    ],
    { cwd: opts.cwd ?? REPO_ROOT, env: opts.env ?? process.env, encoding: 'utf8', timeout: 240_000 },
  );
  const lines = stdout.trim().split('\n');
  const path = lines.pop()?.replace(/^PATH=/, '') ?? '';
  if (lines.length !== bins.length || !lines.every((l) => l.startsWith('/')))
    throw new Error(`npx did not name ${bins.join(', ')}:\n${stdout}`);
  return { paths: lines, path };
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
