/**
 * osc-mcp replicas as real processes (`npm start`'s entry point), for cases that kill one
 * mid-flight (REDIS-09, UPSTREAM-04) and for the several-servers contract of docs/architecture.md, "Interface contract":
 * `OSC_EMULATOR_URL=… REDIS_URL=… SEAL_KEYS=… PORT=… PUBLIC_URL=… npm start`. With
 * `defaults`, the replica boots through ./replica-main.ts instead, with those operating numbers.
 * Either runs compiled on plain node (./compiled.ts), as `npm start` runs dist/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { compiledEntry } from './compiled.js';
import { freePort } from './net.js';
import { TEST_SEAL_KEY } from './stack.js';
import type { Defaults } from '../../src/defaults.js';

export interface ReplicaProcess {
  url: string;
  mcpUrl: string;
  output: string[];
  child: ChildProcess;
  /** SIGKILL: no cleanup, no lock release. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function spawnReplica(
  env: Record<string, string>,
  opts: { defaults?: Partial<Defaults> } = {},
): Promise<ReplicaProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const entry = await compiledEntry(opts.defaults ? 'test/support/replica-main.ts' : 'src/main.ts');
  const child = spawn(process.execPath, [entry], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      OSC_ENVIRONMENT: 'emu',
      SEAL_KEYS: TEST_SEAL_KEY,
      LOG_LEVEL: 'info',
      ...(opts.defaults ? { OSC_MCP_TEST_DEFAULTS: JSON.stringify(opts.defaults) } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => output.push(l));
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`replica did not start: ${output.join('\n')}`)), 60_000);
    lines.on('line', (l) => {
      output.push(l);
      if (l.startsWith('MCP endpoint:')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`replica exited (${code}): ${output.join('\n')}`));
    });
  });
  const waitExit = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  return { url, mcpUrl: `${url}/mcp`, output, child, kill: () => waitExit('SIGKILL'), stop: () => waitExit('SIGTERM') };
}
