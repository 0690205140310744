/**
 * The Redis connection, configured to fail fast (docs/architecture.md, "Storage", REDIS-02, REDIS-06).
 *
 * ioredis defaults queue commands while disconnected and retry them 20 times with backoff
 * up to 5 s: a command could hang for over a minute (REDIS-02 measured 74 s), and the HTTP layer
 * would time out or answer 500. With the options below a command during an outage rejects
 * at once and the caller answers 503 + Retry-After. Measured here (Redis 7.0, loopback):
 * - server killed: `get`/`put` reject in 0–1 ms ("Stream isn't writeable and
 *   enableOfflineQueue options is false"); with ioredis defaults the same `get` took 73.5 s;
 * - server frozen (SIGSTOP, socket still open): reject after `commandTimeout` (1 s by default,
 *   src/defaults.ts);
 * - server restarted: the first command succeeds ~55 ms after the spawn (backoff capped at
 *   500 ms, REDIS-04 asks ≤ 1 s; the default backoff grows to 5 s).
 * test/integration/storage/redis-store.test.ts asserts the bounds (250 ms down, 1 s back).
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { DEFAULTS } from '../defaults.js';

export type { Cluster, Redis };

/** A single Redis (REDIS_URL) or a Redis/Valkey cluster (REDIS_CLUSTER_NODES); the store takes either. */
export type RedisClient = Redis | Cluster;

export interface RedisClientOptions {
  /** Per-command timeout in ms (default `DEFAULTS.redisCommandTimeoutMs`, 1 s). */
  commandTimeoutMs?: number;
  /** TCP connect timeout in ms (default 1000). */
  connectTimeoutMs?: number;
  /** Receives connection errors; they are never thrown (an unhandled 'error' event would crash). */
  onError?: (err: Error) => void;
  /** Name shown in `CLIENT LIST`, for operators. */
  connectionName?: string;
}

/** Reconnect delay: 50 ms, 100 ms, … capped at 500 ms, forever (REDIS-04: back within 1 s). */
export function reconnectDelay(times: number): number {
  return Math.min(50 * times, 500);
}

/**
 * Creates an ioredis client that never queues or waits for a dead server.
 * Connects immediately (`lazyConnect: false`); use `whenReady` at boot to wait for it.
 */
export function createRedisClient(url: string, opts: RedisClientOptions = {}): Redis {
  const options: RedisOptions = {
    // No offline queue: while disconnected a command rejects at once instead of waiting.
    enableOfflineQueue: false,
    // A command in flight when the connection drops is retried once at most, then rejected.
    maxRetriesPerRequest: 1,
    commandTimeout: opts.commandTimeoutMs ?? DEFAULTS.redisCommandTimeoutMs,
    connectTimeout: opts.connectTimeoutMs ?? 1000,
    retryStrategy: reconnectDelay,
    // After a failover the old primary answers READONLY; reconnect so DNS/the proxy can
    // route us to the writable node (REDIS-06, REDIS-07). The failed command is not resent
    // (return true, not 2): it has been rejected and the caller answered 503.
    reconnectOnError: (err) => err.message.includes('READONLY'),
    lazyConnect: false,
    connectionName: opts.connectionName ?? 'osc-mcp',
  };
  const client = new Redis(url, options);
  client.on('error', (err: Error) => opts.onError?.(err));
  return client;
}

/** A cluster seed and what every node's connection needs (from REDIS_CLUSTER_NODES, src/config.ts). */
export interface ClusterSeeds {
  nodes: ReadonlyArray<{ host: string; port: number }>;
  /** TLS to every node (`rediss://` seeds). */
  tls: boolean;
  username?: string;
  password?: string;
}

/**
 * An ioredis Cluster as fail-fast as the single client (docs/storage.md, "Redis Cluster").
 * The cluster refuses commands while it has no slot map (no offline queue); a command for a
 * node that went away rejects after the command timeout, and a MOVED/CLUSTERDOWN/TRYAGAIN
 * after a failover is retried by ioredis within its redirection budget, so a promoted
 * replica takes over without a restart. With TLS, node addresses are used as announced
 * (`dnsLookup` passthrough), so the certificate is checked against the announced name, as
 * managed clusters (ElastiCache, Memorystore, Azure) require.
 */
export function createRedisCluster(seeds: ClusterSeeds, opts: RedisClientOptions = {}): Cluster {
  const redisOptions: ClusterOptions['redisOptions'] = {
    maxRetriesPerRequest: 1,
    commandTimeout: opts.commandTimeoutMs ?? DEFAULTS.redisCommandTimeoutMs,
    connectTimeout: opts.connectTimeoutMs ?? 1000,
    connectionName: opts.connectionName ?? 'osc-mcp',
    ...(seeds.username === undefined ? {} : { username: seeds.username }),
    ...(seeds.password === undefined ? {} : { password: seeds.password }),
    ...(seeds.tls ? { tls: {} } : {}),
  };
  const options: ClusterOptions = {
    enableOfflineQueue: false,
    enableReadyCheck: true,
    // Reads and writes go to primaries: a replica may lag, and a grant read must see the last CAS.
    scaleReads: 'master',
    clusterRetryStrategy: reconnectDelay,
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    maxRedirections: 16,
    slotsRefreshTimeout: opts.connectTimeoutMs ?? 1000,
    ...(seeds.tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
    redisOptions,
    lazyConnect: false,
  };
  const cluster = new Cluster(
    seeds.nodes.map((n) => ({ host: n.host, port: n.port })),
    options,
  );
  cluster.on('error', (err: Error) => opts.onError?.(err));
  cluster.on('node error', (err: Error) => opts.onError?.(err));
  return cluster;
}

/**
 * Resolves once the client is ready; rejects after `timeoutMs` (default 5 s) with the last
 * connection error. For boot and tests only: requests never wait for Redis (REDIS-02).
 */
export function whenReady(client: RedisClient, timeoutMs = 5000): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (err: Error): void => {
      lastError = err;
    };
    const done = (err?: Error): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', onError);
      if (err) reject(err);
      else resolve();
    };
    const onReady = (): void => done();
    const timer = setTimeout(() => done(lastError ?? new Error('Redis not ready in time')), timeoutMs);
    client.on('ready', onReady);
    client.on('error', onError);
  });
}
