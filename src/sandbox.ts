/**
 * `npm run sandbox`: the offline OSC emulator and the server in one command (docs/architecture.md, "The emulator and the sandbox", §6).
 * The emulator runs as its own process (server and emulator meet only over HTTP); the
 * server's PUBLIC_URL is http://127.0.0.1:<PORT> unless set, so the protected resource
 * metadata names exactly the URL printed here.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { loadConfigOrExit } from './config.js';
import { createLogger } from './log.js';
import { startServer } from './server.js';

/**
 * The emulator's entry beside this file, run the way this file runs: `npm run sandbox` runs the
 * TypeScript through tsx, so main.ts under tsx's loader; compiled to JavaScript (as tests start
 * the sandbox, test/support/compiled.ts), main.js on plain node.
 */
const compiled = import.meta.url.endsWith('.js');
const emulatorArgs = [
  ...(compiled ? [] : ['--import', 'tsx']),
  fileURLToPath(new URL(compiled ? './emulator/main.js' : './emulator/main.ts', import.meta.url)),
];

function startEmulator(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, emulatorArgs, {
    env: { ...process.env, EMULATOR_PORT: process.env.EMULATOR_PORT ?? '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error('the emulator did not start within 20 s')), 20_000);
    lines.on('line', (line) => {
      const m = /^OSC emulator: (http:\/\/\S+)/.exec(line);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ url: m[1], stop: () => child.kill('SIGTERM') });
      }
    });
    child.once('exit', (code) => reject(new Error(`the emulator exited (${code})`)));
  });
}

async function main(): Promise<void> {
  const emulator = await startEmulator();
  // However the sandbox ends, the emulator ends with it.
  process.once('exit', () => emulator.stop());
  const port = process.env.PORT ?? '8080';
  const config = loadConfigOrExit(
    {
      ...process.env,
      PORT: port,
      HOST: process.env.HOST ?? '127.0.0.1',
      PUBLIC_URL: process.env.PUBLIC_URL ?? `http://127.0.0.1:${port}`,
      OSC_EMULATOR_URL: emulator.url,
    },
    { sandbox: true },
  );
  const log = createLogger({ level: config.logLevel });
  const running = await startServer(config, log);
  process.stdout.write(`OSC emulator: ${emulator.url}\nMCP endpoint: ${running.mcpUrl}\n`);
  const stop = () => {
    emulator.stop();
    running.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
