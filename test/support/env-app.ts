/**
 * An osc-mcp booted from its environment the way main.ts does it (loadConfig, startServer), in
 * this process, for tests about the configuration path (REDIS_URL, REDIS_CLUSTER_NODES, WAIT).
 */
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startServer, type RunningServer, type ServerOverrides } from '../../src/server.js';
import { logSink } from './log-sink.js';
import { until } from './wait.js';

export interface EnvApp {
  /** Where this process listens (differs from its public URL for a second app). */
  base: string;
  mcpUrl: string;
  /** PUBLIC_URL: issuer and resource, shared by every app of one deployment. */
  publicUrl: string;
  config: Config;
  logs: string[];
  close(): Promise<void>;
}

/** Boots from `env` (debug logs captured) and resolves once /readyz answers. */
export async function bootFromEnv(env: NodeJS.ProcessEnv, overrides: ServerOverrides = {}): Promise<EnvApp> {
  const { lines: logs, stream: sink } = logSink();
  const config = loadConfig({ HOST: '127.0.0.1', LOG_LEVEL: 'debug', ...env });
  const running: RunningServer = await startServer(
    config,
    createLogger({ level: 'debug', destination: sink }),
    overrides,
  );
  const base = `http://127.0.0.1:${(running.server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;
  const app: EnvApp = {
    base,
    mcpUrl: `${base}/mcp`,
    publicUrl: running.url,
    config,
    logs,
    close: () => (closing ??= running.close()),
  };
  try {
    await until(async () => (await fetch(`${base}/readyz`)).status === 200, 10_000, 'readyz');
  } catch (err) {
    await app.close();
    throw err;
  }
  return app;
}
