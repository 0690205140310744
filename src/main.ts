/**
 * `npm start`: the server for real OSC. Zero configuration works: dynamic registration
 * toward OSC, the memory store and an ephemeral seal key, each announced with a warning.
 */
import { loadConfigOrExit } from './config.js';
import { createLogger } from './log.js';

/**
 * On SIGTERM, requests in flight get this long to finish before their connections are cut:
 * below the 10 s a container runtime waits before SIGKILL (docker stop, Kubernetes' default
 * grace period is 30 s).
 */
const SHUTDOWN_DRAIN_MS = 8_000;

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  // The server's modules load only once the configuration is known good: a bad variable
  // stops the boot in the time it takes to read config.ts, not the whole server.
  const { startServer } = await import('./server.js');
  const log = createLogger({ level: config.logLevel });
  const running = await startServer(config, log);
  process.stdout.write(`MCP endpoint: ${running.mcpUrl}\n`);
  const stop = (signal: string) => {
    log.info({ event: 'shutdown', signal, drainMs: SHUTDOWN_DRAIN_MS }, 'shutting down: draining requests in flight');
    running.close({ drainMs: SHUTDOWN_DRAIN_MS }).finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`osc-mcp failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
