/**
 * Boot: pick the adapters the configuration asks for, start HTTP with tight timeouts
 * (T32), and stop cleanly. main.ts and sandbox.ts both start the server through here.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createApp } from './app.js';
import type { TokenStore } from './storage/store.js';
import { MemoryTokenStore } from './storage/memory-store.js';
import { RedisTokenStore } from './storage/redis-store.js';
import { createRedisClient, type Redis } from './storage/redis-client.js';
import { createSealer } from './storage/seal.js';
import { createRateLimiter } from './storage/rate-limits.js';
import { installOscDispatcher } from './osc/dispatcher.js';
import type { CimdOptions } from './oauth/cimd.js';

export interface RunningServer {
  /** PUBLIC_URL: what clients are told (issuer, resource). */
  url: string;
  /** Where this process listens, e.g. behind a load balancer that fronts several replicas. */
  localUrl: string;
  mcpUrl: string;
  server: Server;
  /**
   * Stops accepting connections, closes idle keep-alive connections, lets requests in flight
   * finish for at most `drainMs` (default 0: cut them at once, what tests want), then closes
   * the store.
   */
  close(opts?: { drainMs?: number }): Promise<void>;
}

/** Upstream timeouts for every call to OSC (T29). */
const UPSTREAM = { connectTimeoutMs: 5_000, headersTimeoutMs: 10_000, bodyTimeoutMs: 10_000 };

/** The window of both /token budgets (TOKEN_REQUESTS_PER_GRANT, TOKEN_FAILURES_PER_ADDRESS). */
const TOKEN_WINDOW_S = 900;

/** How long a grant write waits for replica acknowledgements (REDIS_WAIT_REPLICAS, T31). */
const REDIS_WAIT_TIMEOUT_MS = 100;

/** Adapters a caller may supply instead of the ones the configuration picks (tests share a store across replicas). */
export interface ServerOverrides {
  store?: TokenStore;
  redis?: Redis;
  cimd?: CimdOptions;
  refreshLockTtlMs?: number;
  now?: () => number;
}

export async function startServer(config: Config, log: Logger, overrides: ServerOverrides = {}): Promise<RunningServer> {
  installOscDispatcher({ emulatorUrl: config.oscEmulatorUrl, ...UPSTREAM });

  let redis: Redis | undefined = overrides.redis;
  let store: TokenStore;
  if (overrides.store) {
    store = overrides.store;
  } else if (config.redisUrl) {
    redis = createRedisClient(config.redisUrl, { onError: (err) => log.warn({ event: 'redis_error', message: err.message }, 'Redis connection problem') });
    store = new RedisTokenStore(redis, {
      prefix: config.redisKeyPrefix,
      waitReplicas: config.redisWaitReplicas > 0 ? { count: config.redisWaitReplicas, timeoutMs: REDIS_WAIT_TIMEOUT_MS } : undefined,
      log,
    });
  } else {
    store = new MemoryTokenStore();
    log.warn({ event: 'memory_store' }, 'no REDIS_URL: tokens live in this process only; a restart signs every user out and replicas cannot share them');
  }
  const sealer = createSealer(config.sealKeys);
  if (sealer.ephemeral) log.warn({ event: 'ephemeral_seal_key' }, 'no SEAL_KEYS: using a random key for this process; a restart signs every user out');
  const limits = {
    // Limits follow people, not products (src/oauth/limits.ts, docs/limits.md).
    register: createRateLimiter({ redis, keyPrefix: `${config.redisKeyPrefix}rl:register`, points: config.registrationsPerHour, durationS: 3600 }),
    token: {
      perCredential: createRateLimiter({ redis, keyPrefix: `${config.redisKeyPrefix}rl:token`, points: config.tokenRequestsPerGrant, durationS: TOKEN_WINDOW_S }),
      failuresPerAddress: createRateLimiter({ redis, keyPrefix: `${config.redisKeyPrefix}rl:tokenfail`, points: config.tokenFailuresPerAddress, durationS: TOKEN_WINDOW_S }),
    },
    toolCalls: createRateLimiter({ redis, keyPrefix: `${config.redisKeyPrefix}rl:tools`, points: config.toolCallsPerMinute, durationS: 60 }),
    instanceCreates: createRateLimiter({ redis, keyPrefix: `${config.redisKeyPrefix}rl:creates`, points: config.instanceCreatesPerHour, durationS: 3600 }),
  };

  // Bind first, so PORT=0 works and PUBLIC_URL can name the real port.
  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000, connectionsCheckingInterval: 2_000 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const publicUrl = config.port === 0 && config.publicUrl.endsWith(':0') ? config.publicUrl.replace(/:0$/, `:${port}`) : config.publicUrl;
  const { app } = createApp({
    publicUrl,
    oscEnvironment: config.oscEnvironment,
    oscEmulatorUrl: config.oscEmulatorUrl,
    oscClient: config.oscClientId ? { clientId: config.oscClientId, clientSecret: config.oscClientSecret } : undefined,
    store,
    sealer,
    log,
    accessTokenTtlS: config.accessTokenTtlS,
    refreshTokenTtlS: config.refreshTokenTtlS,
    limits,
    trustProxy: config.trustProxy,
    cimd: overrides.cimd ?? { allowLoopbackHttp: config.allowLoopbackHttpMetadata },
    refreshLockTtlMs: overrides.refreshLockTtlMs,
    now: overrides.now,
  });
  server.on('request', app);
  const mcpUrl = `${publicUrl}/mcp`;
  log.info({ event: 'listening', port, publicUrl, store: redis ? 'redis' : 'memory' }, `MCP endpoint: ${mcpUrl}`);
  return {
    url: publicUrl,
    localUrl: `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`,
    mcpUrl,
    server,
    async close({ drainMs = 0 } = {}) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // A request answered after close() leaves its keep-alive socket idle: close those too.
        const idle = setInterval(() => server.closeIdleConnections(), 100);
        const cut = setTimeout(() => server.closeAllConnections(), drainMs);
        server.once('close', () => {
          clearInterval(idle);
          clearTimeout(cut);
        });
      });
      if (!overrides.store) await store.close();
    },
  };
}
