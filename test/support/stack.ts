/**
 * The system under test, in process: the OSC emulator, and one or more osc-mcp replicas
 * started through the real boot path (`startServer`) with OSC_EMULATOR_URL pointing at it.
 * Logs are captured so tests can scan them for secrets.
 */
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { logSink } from './log-sink.js';
import { redisStoreFor } from './redis-keys.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startServer, type RunningServer, type ServerOverrides } from '../../src/server.js';
import type { TokenStore } from '../../src/storage/store.js';
import { MemoryTokenStore } from '../../src/storage/memory-store.js';
import { startTestEmulator, type StartOptions, type TestEmulator } from './emulator.js';

export interface StackOptions {
  emulator?: StartOptions;
  env?: Record<string, string>;
  store?: TokenStore;
  overrides?: ServerOverrides;
}

export interface Replica extends RunningServer {
  logs: string[];
}

export interface Stack {
  emulator: TestEmulator;
  store: TokenStore;
  replica: Replica;
  url: string;
  mcpUrl: string;
  logs: string[];
  /** Starts another replica on the same store and emulator, with the same PUBLIC_URL. */
  addReplica(env?: Record<string, string>): Promise<Replica>;
  close(): Promise<void>;
}

/** A fixed 32-byte key so replicas of one stack share it (SEAL_KEYS). */
export const TEST_SEAL_KEY = Buffer.alloc(32, 7).toString('base64');

export async function startReplica(
  emulatorUrl: string,
  store: TokenStore,
  env: Record<string, string> = {},
  overrides: ServerOverrides = {},
): Promise<Replica> {
  const { lines: logs, stream: sink } = logSink();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    PUBLIC_URL: 'http://127.0.0.1:0',
    OSC_ENVIRONMENT: 'emu',
    OSC_EMULATOR_URL: emulatorUrl,
    SEAL_KEYS: TEST_SEAL_KEY,
    LOG_LEVEL: 'debug',
    ...env,
  });
  const running = await startServer(config, createLogger({ level: 'debug', destination: sink }), {
    store,
    ...overrides,
  });
  // Tests address each replica where it listens (as a load balancer would); all of them
  // announce the same PUBLIC_URL.
  return Object.assign(running, { logs, url: running.localUrl, mcpUrl: `${running.localUrl}/mcp` });
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const emulator = await startTestEmulator(opts.emulator);
  const store = opts.store ?? new MemoryTokenStore();
  const replicas: Replica[] = [];
  const replica = await startReplica(emulator.url, store, opts.env, opts.overrides);
  replicas.push(replica);
  return {
    emulator,
    store,
    replica,
    url: replica.url,
    mcpUrl: replica.mcpUrl,
    logs: replica.logs,
    async addReplica(env) {
      // Replicas behind one load balancer share one public URL (issuer and resource).
      const r = await startReplica(
        emulator.url,
        store,
        { PUBLIC_URL: replica.url, ...opts.env, ...env },
        opts.overrides,
      );
      replicas.push(r);
      return r;
    },
    async close() {
      for (const r of replicas) await r.close();
      await store.close();
      await emulator.close();
    },
  };
}

/** The port a replica listens on (its PUBLIC_URL may name another host). */
export function listenUrl(r: Replica): string {
  return `http://127.0.0.1:${(r.server.address() as AddressInfo).port}`;
}

/**
 * Stops `old` and starts a replica on the same port and PUBLIC_URL (so the issuer and the
 * resource stay the same, as after a real restart), on the same store, with `env` on top.
 */
export async function restartReplica(
  emulatorUrl: string,
  store: TokenStore,
  old: Replica,
  env: Record<string, string>,
): Promise<Replica> {
  const port = new URL(listenUrl(old)).port;
  await old.close();
  return startReplica(emulatorUrl, store, { PORT: port, PUBLIC_URL: old.url, ...env });
}

/**
 * A stack on the test Redis under a key prefix of its own (the boot path's Redis store), for
 * tests that dump every record afterwards (leak scans): `redis.dump()` lists what it wrote.
 */
export async function startRedisStack(
  redisUrl: string,
  name: string,
  opts: Omit<StackOptions, 'store'> = {},
): Promise<{ stack: Stack; redis: Awaited<ReturnType<typeof redisStoreFor>> }> {
  const prefix = `test:${name}:${randomUUID()}:`;
  const redis = await redisStoreFor(redisUrl, prefix);
  const stack = await startStack({
    ...opts,
    store: redis.store,
    env: { REDIS_KEY_PREFIX: prefix, ...opts.env },
    overrides: { redis: redis.client, ...opts.overrides },
  });
  return { stack, redis };
}
