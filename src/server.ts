/**
 * Boot: pick the adapters the configuration asks for, start HTTP with tight timeouts
 * (INPUT-06), and stop cleanly. main.ts and sandbox.ts both start the server through here.
 */
import { createServer, type Server } from 'node:http';
import { messageClasses } from './http/message-classes.js';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createApp } from './app.js';
import type { TokenStore } from './storage/store.js';
import { MemoryTokenStore } from './storage/memory-store.js';
import type { RedisClient } from './storage/redis-client.js';
import { createSealer } from './storage/seal.js';
import { createRateLimiter } from './storage/rate-limits.js';
import { installOscDispatcher } from './osc/dispatcher.js';
import type { CimdOptions } from './oauth/cimd.js';
import { withDefaults, type Defaults } from './defaults.js';
import type { AnonymousLimits } from './oauth/anonymous.js';

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

/** Adapters a caller may supply instead of the ones the configuration picks (tests share a store across replicas). */
export interface ServerOverrides {
  store?: TokenStore;
  redis?: RedisClient;
  cimd?: CimdOptions;
  /** Operating numbers to change (src/defaults.ts); tests shorten timeouts and windows. */
  defaults?: Partial<Defaults>;
  /** Shorthand for `defaults.refreshLockTtlMs`. */
  refreshLockTtlMs?: number;
  now?: () => number;
}

/** The flood bounds of src/oauth/anonymous.ts, from the configuration (docs/limits.md, "Anonymous work"). */
export function anonymousLimits(
  config: Pick<
    Config,
    | 'redisKeyPrefix'
    | 'anonPagesPerAddress'
    | 'anonApiPerAddress'
    | 'anonRecordsPerAddress'
    | 'anonRecordsTotal'
    | 'registrationsTotalPerHour'
  >,
  d: Defaults,
  redis?: RedisClient,
): AnonymousLimits {
  const limiter = (name: string, points: number, durationS: number) =>
    createRateLimiter({ redis, keyPrefix: `${config.redisKeyPrefix}rl:${name}`, points, durationS });
  return {
    pagesPerAddress: limiter('anonpages', config.anonPagesPerAddress, d.anonPagesWindowS),
    apiPerAddress: limiter('anonapi', config.anonApiPerAddress, d.anonApiWindowS),
    recordsPerAddress: limiter('anonrecords', config.anonRecordsPerAddress, d.anonRecordsWindowS),
    recordsTotal: limiter('anonrecordsall', config.anonRecordsTotal, d.anonRecordsWindowS),
    registrationsTotal: limiter('registerall', config.registrationsTotalPerHour, d.registerWindowS),
  };
}

export async function startServer(
  config: Config,
  log: Logger,
  overrides: ServerOverrides = {},
): Promise<RunningServer> {
  const d = withDefaults({
    ...overrides.defaults,
    ...(overrides.refreshLockTtlMs === undefined ? {} : { refreshLockTtlMs: overrides.refreshLockTtlMs }),
  });
  installOscDispatcher({
    emulatorUrl: config.oscEmulatorUrl,
    connectTimeoutMs: d.upstreamConnectTimeoutMs,
    headersTimeoutMs: d.upstreamHeadersTimeoutMs,
    bodyTimeoutMs: d.upstreamBodyTimeoutMs,
  });

  let redis: RedisClient | undefined = overrides.redis;
  let store: TokenStore;
  if (overrides.store) {
    store = overrides.store;
  } else if (config.redisUrl || config.redisCluster) {
    // ioredis loads only when the configuration names Redis (issue 18: cold start).
    const [{ createRedisClient, createRedisCluster }, { RedisTokenStore }] = await Promise.all([
      import('./storage/redis-client.js'),
      import('./storage/redis-store.js'),
    ]);
    const clientOpts = {
      commandTimeoutMs: d.redisCommandTimeoutMs,
      onError: (err: Error) => log.warn({ event: 'redis_error', message: err.message }, 'Redis connection problem'),
    };
    redis = config.redisCluster
      ? createRedisCluster(config.redisCluster, clientOpts)
      : createRedisClient(config.redisUrl as string, clientOpts);
    store = new RedisTokenStore(redis, {
      prefix: config.redisKeyPrefix,
      waitReplicas:
        config.redisWaitReplicas > 0 ? { count: config.redisWaitReplicas, timeoutMs: d.redisWaitTimeoutMs } : undefined,
      log,
    });
  } else {
    store = new MemoryTokenStore();
    log.warn(
      { event: 'memory_store' },
      'no REDIS_URL or REDIS_CLUSTER_NODES: tokens live in this process only; a restart signs every user out and replicas cannot share them',
    );
  }
  const sealer = createSealer(config.sealKeys);
  if (sealer.ephemeral)
    log.warn(
      { event: 'ephemeral_seal_key' },
      'no SEAL_KEYS: using a random key for this process; a restart signs every user out',
    );
  /** One of our limiters: `name` under this deployment's key prefix, shared through Redis when there is one. */
  const limiter = (name: string, points: number, durationS: number) =>
    createRateLimiter({ redis, keyPrefix: `${config.redisKeyPrefix}rl:${name}`, points, durationS });
  const limits = {
    // Limits follow people, not products (src/oauth/limits.ts, docs/limits.md).
    register: limiter('register', config.registrationsPerHour, d.registerWindowS),
    token: {
      perCredential: limiter('token', config.tokenRequestsPerGrant, d.tokenWindowS),
      failuresPerAddress: limiter('tokenfail', config.tokenFailuresPerAddress, d.tokenWindowS),
    },
    toolCalls: limiter('tools', config.toolCallsPerMinute, d.toolCallsWindowS),
    instanceCreates: limiter('creates', config.instanceCreatesPerHour, d.instanceCreatesWindowS),
    // Anonymous work is bounded per address and in total (src/oauth/anonymous.ts).
    anonymous: anonymousLimits(config, d, redis),
  };

  // Bind first, so PORT=0 works and PUBLIC_URL can name the real port. Requests and
  // responses are built with the app's prototypes already (src/http/message-classes.ts).
  const classes = messageClasses();
  const server = createServer({
    ...classes,
    requestTimeout: d.httpRequestTimeoutMs,
    headersTimeout: d.httpHeadersTimeoutMs,
    keepAliveTimeout: d.httpKeepAliveTimeoutMs,
    connectionsCheckingInterval: d.httpConnectionsCheckIntervalMs,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const publicUrl =
    config.port === 0 && config.publicUrl.endsWith(':0')
      ? config.publicUrl.replace(/:0$/, `:${port}`)
      : config.publicUrl;
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
    metricsToken: config.metricsToken,
    cimd: overrides.cimd ?? { allowLoopbackHttp: config.allowLoopbackHttpMetadata },
    defaults: d,
    now: overrides.now,
    messageClasses: classes,
  });
  server.on('request', app);
  const mcpUrl = `${publicUrl}/mcp`;
  log.info(
    { event: 'listening', port, publicUrl, store: redis ? (redis.isCluster ? 'redis-cluster' : 'redis') : 'memory' },
    `MCP endpoint: ${mcpUrl}`,
  );
  return {
    url: publicUrl,
    localUrl: `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`,
    mcpUrl,
    server,
    async close({ drainMs = 0 } = {}) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // A request answered after close leaves its keep-alive socket idle: close those too.
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
