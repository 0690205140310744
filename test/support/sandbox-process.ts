/**
 * The sandbox (`src/sandbox.ts`: the emulator and the server) as a child process, the way an
 * outside script uses it (docs/architecture.md, "Interface contract"): PORT chosen by the
 * caller, EMULATOR_* passed through, the `MCP endpoint:` line awaited. By default it runs the
 * compiled sources on plain node (./compiled.ts: ~2.5 s of CPU less per start than npm → tsx,
 * same code); `launch: 'npm run sandbox'` runs the command itself, as test/e2e/sandbox.test.ts
 * does for the contract. The child runs in its own process group so `kill()` can end npm, tsx,
 * the server and the emulator together even when a test failed half-way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compiledEntry } from './compiled.js';
import { freePort, freePorts } from './net.js';
export { freePort };

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The parent's environment minus anything that would change what the sandbox does. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) {
    if (
      /^(REDIS_URL|SEAL_KEYS|PUBLIC_URL|HOST|OSC_|EMULATOR_|ACCESS_TOKEN_TTL_S|REFRESH_TOKEN_TTL_S|TRUST_PROXY|LOG_LEVEL)/.test(
        k,
      )
    )
      delete env[k];
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface SandboxProcess {
  child: ChildProcess;
  port: number;
  mcpUrl: string;
  emulatorUrl: string;
  /** Everything the child wrote so far, stdout and stderr. */
  output(): string;
  /** Resolves with the exit code (or signal name) once the child is gone. */
  exited: Promise<number | string>;
  /** SIGTERM to the started process only (npm, or node), the way a supervisor stops it. */
  terminate(): void;
  /** SIGKILL to the whole process group (cleanup after failures); safe to call twice. */
  kill(): void;
}

export async function startSandbox(
  opts: {
    port?: number;
    env?: Record<string, string | undefined>;
    timeoutMs?: number;
    /** `compiled` (default): node on the compiled src/sandbox.ts; or the contract's command. */
    launch?: 'compiled' | 'npm run sandbox';
  } = {},
): Promise<SandboxProcess> {
  // The sandbox's emulator gets a port chosen here too: left to bind port 0 itself, it could be
  // handed the one picked for the server, freed a moment before (seen once in mcp-remote's e2e).
  const port = opts.port ?? (await freePort());
  const emulatorPort = opts.env?.EMULATOR_PORT ?? String((await freePorts(1, [port]))[0]);
  const [command, args]: [string, string[]] =
    opts.launch === 'npm run sandbox'
      ? ['npm', ['run', '--silent', 'sandbox']]
      : [process.execPath, [await compiledEntry('src/sandbox.ts')]];
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: cleanEnv({ PORT: String(port), ...opts.env, EMULATOR_PORT: emulatorPort }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  // The whole group, even when npm itself is gone: what it started may still run.
  const kill = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const timeoutMs = opts.timeoutMs ?? 60_000;
  try {
    const found = await new Promise<{ mcpUrl: string; emulatorUrl: string }>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`sandbox did not print its MCP endpoint within ${timeoutMs} ms:\n${out}`)),
        timeoutMs,
      );
      const check = () => {
        const mcp = /^MCP endpoint: (\S+)$/m.exec(out);
        const emu = /^OSC emulator: (\S+)$/m.exec(out);
        if (mcp?.[1] && emu?.[1]) {
          clearTimeout(timer);
          resolve({ mcpUrl: mcp[1], emulatorUrl: emu[1] });
        }
      };
      child.stdout!.on('data', check);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`sandbox exited (${code}) before printing its MCP endpoint:\n${out}`));
      });
    });
    return {
      child,
      port,
      ...found,
      output: () => out,
      exited,
      terminate: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      },
      kill,
    };
  } catch (err) {
    kill();
    throw err;
  }
}
