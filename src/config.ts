/**
 * Configuration, parsed once at the edge with zod . Only main.ts and
 * sandbox.ts call loadConfig; everything else receives the values it needs.
 * Errors name each bad variable, never its value.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();

const sealKeys = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
  )
  .refine((keys) => keys.length > 0, 'needs at least one key')
  .refine(
    (keys) => keys.every((k) => /^[A-Za-z0-9+/_-]+=*$/.test(k) && Buffer.from(k, 'base64').length === 32),
    'each key must be 32 bytes in base64',
  );

/**
 * Express `trust proxy`, checked here so a typo stops the boot naming the variable
 * (FAULT-01): a hop count, or a list of proxy-addr names (`loopback`, `linklocal`,
 * `uniquelocal`), addresses and CIDR ranges. `true` is refused: it trusts every
 * X-Forwarded-For, so any client could pick the address its rate limits are counted on.
 */
const TRUST_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
function trustEntryOk(entry: string): boolean {
  if (TRUST_NAMES.has(entry)) return true;
  const [addr = '', prefix, extra] = entry.split('/');
  const family = isIP(addr);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
  return bits >= 0 && bits <= (family === 4 ? 32 : 128);
}
const trustProxy = z
  .string()
  .refine((v) => /^\d{1,2}$/.test(v) || (v.trim() !== '' && v.split(',').every((e) => trustEntryOk(e.trim()))), {
    message:
      'a hop count (e.g. 1) or a comma-separated list of loopback, linklocal, uniquelocal, addresses and CIDR ranges',
  });

/**
 * REDIS_CLUSTER_NODES: comma-separated seeds, each `host:port` or a `redis://` / `rediss://`
 * URL (with user and password when the cluster wants them; docs/storage.md, "Redis
 * Cluster"). Seeds only need to reach one node: the client learns the rest from the cluster.
 * URL seeds must agree on TLS and credentials, which then apply to every node.
 */
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
function parseSeed(seed: string): ClusterSeed | undefined {
  const plain = HOST_PORT.exec(seed);
  if (plain) return { host: plain[1]!.replace(/^\[|\]$/g, ''), port: Number(plain[2]), tls: false };
  let u: URL;
  try {
    u = new URL(seed);
  } catch {
    return undefined;
  }
  if ((u.protocol !== 'redis:' && u.protocol !== 'rediss:') || !u.hostname || !u.port) return undefined;
  if (u.pathname !== '' && u.pathname !== '/') return undefined; // a cluster has database 0 only
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: Number(u.port),
    tls: u.protocol === 'rediss:',
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
  };
}
interface ClusterSeed {
  host: string;
  port: number;
  tls: boolean;
  username?: string;
  password?: string;
}
const clusterNodes = z.string().transform((s, ctx) => {
  const raw = s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const seeds = raw.map(parseSeed);
  if (raw.length === 0 || seeds.some((x) => x === undefined || x.port < 1 || x.port > 65535)) {
    ctx.addIssue({ code: 'custom', message: 'comma-separated host:port (or redis[s]://host:port) seeds' });
    return z.NEVER;
  }
  const all = seeds as ClusterSeed[];
  const first = all[0]!;
  if (all.some((x) => x.tls !== first.tls || x.username !== first.username || x.password !== first.password)) {
    ctx.addIssue({ code: 'custom', message: 'seeds must agree on TLS (rediss://) and credentials' });
    return z.NEVER;
  }
  return {
    nodes: all.map(({ host, port }) => ({ host, port })),
    tls: first.tls,
    username: first.username,
    password: first.password,
  };
});

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  OSC_ENVIRONMENT: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/, 'a lowercase environment label')
    .default('prod'),
  OSC_CLIENT_ID: z.string().min(1).optional(),
  OSC_CLIENT_SECRET: z.string().min(1).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_CLUSTER_NODES: clusterNodes.optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, 'letters, digits, : _ - (at most 64)')
    .default('oscmcp:'),
  REDIS_WAIT_REPLICAS: z.coerce.number().int().min(0).max(16).default(0),
  SEAL_KEYS: sealKeys.optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  OSC_EMULATOR_URL: z.url({ protocol: /^https?$/ }).optional(),
  ACCESS_TOKEN_TTL_S: positiveInt.default(3600),
  REFRESH_TOKEN_TTL_S: positiveInt.default(30 * 24 * 3600),
  TRUST_PROXY: trustProxy.optional(),
  METRICS_TOKEN: z.string().min(32, 'at least 32 characters (a bearer secret)').max(512).optional(),
  TOOL_CALLS_PER_MINUTE: positiveInt.default(60),
  INSTANCE_CREATES_PER_HOUR: positiveInt.default(10),
  // Sized for thousands of users per client (docs/limits.md): no budget is keyed by client.
  REGISTRATIONS_PER_HOUR: positiveInt.default(500),
  TOKEN_REQUESTS_PER_GRANT: positiveInt.default(120),
  TOKEN_FAILURES_PER_ADDRESS: positiveInt.default(300),
  // Flood bounds for routes anyone can reach without a token (docs/limits.md, "Anonymous work").
  ANON_PAGES_PER_ADDRESS: positiveInt.default(1_000),
  ANON_API_PER_ADDRESS: positiveInt.default(10_000),
  ANON_RECORDS_PER_ADDRESS: positiveInt.default(600),
  ANON_RECORDS_TOTAL: positiveInt.default(10_000),
  REGISTRATIONS_TOTAL_PER_HOUR: positiveInt.default(2_000),
});

/** Every variable the server reads; deployment files are checked against it (test/unit/deploy). */
export const CONFIG_VARIABLES: readonly string[] = Object.freeze(Object.keys(Env.shape));

/** Rules across variables, checked on the raw environment so they are reported with the rest. */
function crossProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  // The OSC SDK silently falls back to OSC_ACCESS_TOKEN, which in a multi-user server
  // would act as the operator's own account (src/emulator/README.md).
  if (env.OSC_ACCESS_TOKEN !== undefined)
    problems.push('OSC_ACCESS_TOKEN: must not be set: the OSC SDK would fall back to it');
  // An OSC app made in the console is confidential: its id is useless without its secret.
  if (env.OSC_CLIENT_SECRET && !env.OSC_CLIENT_ID)
    problems.push('OSC_CLIENT_ID: required when OSC_CLIENT_SECRET is set');
  if (env.OSC_CLIENT_ID && !env.OSC_CLIENT_SECRET)
    problems.push('OSC_CLIENT_SECRET: required when OSC_CLIENT_ID is set');
  if (env.REDIS_URL && env.REDIS_CLUSTER_NODES)
    problems.push(
      'REDIS_CLUSTER_NODES: set either REDIS_URL (one primary) or REDIS_CLUSTER_NODES (a cluster), not both',
    );
  if (env.REDIS_URL && !env.SEAL_KEYS) problems.push('SEAL_KEYS: required with REDIS_URL (replicas must share it)');
  if (env.REDIS_CLUSTER_NODES && !env.SEAL_KEYS)
    problems.push('SEAL_KEYS: required with REDIS_CLUSTER_NODES (replicas must share it)');
  if (!env.REDIS_URL && Number(env.REDIS_WAIT_REPLICAS ?? 0) > 0)
    problems.push('REDIS_WAIT_REPLICAS: only applies with REDIS_URL (not with REDIS_CLUSTER_NODES)');
  return problems;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Issuer and resource base, without a trailing slash. */
  readonly publicUrl: string;
  readonly oscEnvironment: string;
  readonly oscClientId?: string;
  readonly oscClientSecret?: string;
  readonly redisUrl?: string;
  /** REDIS_CLUSTER_NODES: a Redis/Valkey cluster instead of one primary (never both). */
  readonly redisCluster?: {
    readonly nodes: ReadonlyArray<{ host: string; port: number }>;
    readonly tls: boolean;
    readonly username?: string;
    readonly password?: string;
  };
  /** Prefix of every key, so deployments (or test runs) can share one Redis. */
  readonly redisKeyPrefix: string;
  /**
   * Replicas that must acknowledge each grant write (`WAIT n 100` after it, REDIS-06);
   * 0 (default) = no WAIT. Set it to the number of replicas a failover may promote.
   */
  readonly redisWaitReplicas: number;
  /** Raw 32-byte keys; the first seals, all open. Undefined → an ephemeral key (warned). */
  readonly sealKeys?: readonly Buffer[];
  readonly logLevel: string;
  readonly oscEmulatorUrl?: string;
  readonly accessTokenTtlS: number;
  readonly refreshTokenTtlS: number;
  readonly trustProxy?: string;
  /** When set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>` (FAULT-02). */
  readonly metricsToken?: string;
  /** Tool calls per grant per minute, shared by all replicas through Redis (INPUT-08). */
  readonly toolCallsPerMinute: number;
  /** create_instance attempts per grant per hour, shared like the call budget (INPUT-08). */
  readonly instanceCreatesPerHour: number;
  /** New dynamic registrations per address per hour; identical re-registrations are free. */
  readonly registrationsPerHour: number;
  /** /token requests per authorization code or per grant per 15 min. */
  readonly tokenRequestsPerGrant: number;
  /** Failed /token requests per address per 15 min. */
  readonly tokenFailuresPerAddress: number;
  /** Anonymous browser-page requests (/authorize, /consent, /connections sign-in, /oauth/callback) per address per 10 min. */
  readonly anonPagesPerAddress: number;
  /** Requests to /register, /token, /revoke per address per 15 min (a ceiling far above any vendor's traffic). */
  readonly anonApiPerAddress: number;
  /** Records anonymous requests create (pending, upstream, signin) per address per record lifetime. */
  readonly anonRecordsPerAddress: number;
  /** The same records from every address together, per record lifetime. */
  readonly anonRecordsTotal: number;
  /** New dynamic registrations from every address together per hour. */
  readonly registrationsTotalPerHour: number;
  /**
   * Metadata documents and `jwks_uri`s over plain http on 127.0.0.1 / localhost. Only
   * `npm run sandbox` sets it (through `loadConfig`'s second argument, never from the
   * environment), so clients can be tried offline; production keeps https and every SSRF rule.
   */
  readonly allowLoopbackHttpMetadata: boolean;
}

/** How the configuration is used: `sandbox` only from src/sandbox.ts. */
export interface LoadOptions {
  sandbox?: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: LoadOptions = {}): Config {
  const parsed = Env.safeParse(env);
  // Name the variable and what is wrong with it; never echo the value.
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map(
          (i) => `${i.path.join('.') || 'environment'}: ${i.message.replace(/received .*/i, 'invalid value')}`,
        )),
    ...crossProblems(env),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    oscEnvironment: e.OSC_ENVIRONMENT,
    oscClientId: e.OSC_CLIENT_ID,
    oscClientSecret: e.OSC_CLIENT_SECRET,
    redisUrl: e.REDIS_URL,
    redisCluster: e.REDIS_CLUSTER_NODES,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    redisWaitReplicas: e.REDIS_WAIT_REPLICAS,
    sealKeys: e.SEAL_KEYS?.map((k) => Buffer.from(k, 'base64')),
    logLevel: e.LOG_LEVEL,
    oscEmulatorUrl: e.OSC_EMULATOR_URL,
    accessTokenTtlS: e.ACCESS_TOKEN_TTL_S,
    refreshTokenTtlS: e.REFRESH_TOKEN_TTL_S,
    trustProxy: e.TRUST_PROXY,
    metricsToken: e.METRICS_TOKEN,
    toolCallsPerMinute: e.TOOL_CALLS_PER_MINUTE,
    instanceCreatesPerHour: e.INSTANCE_CREATES_PER_HOUR,
    registrationsPerHour: e.REGISTRATIONS_PER_HOUR,
    tokenRequestsPerGrant: e.TOKEN_REQUESTS_PER_GRANT,
    tokenFailuresPerAddress: e.TOKEN_FAILURES_PER_ADDRESS,
    anonPagesPerAddress: e.ANON_PAGES_PER_ADDRESS,
    anonApiPerAddress: e.ANON_API_PER_ADDRESS,
    anonRecordsPerAddress: e.ANON_RECORDS_PER_ADDRESS,
    anonRecordsTotal: e.ANON_RECORDS_TOTAL,
    registrationsTotalPerHour: e.REGISTRATIONS_TOTAL_PER_HOUR,
    allowLoopbackHttpMetadata: opts.sandbox === true,
  });
}

/** For entry points: the configuration, or the problems on stderr and exit status 1. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env, opts: LoadOptions = {}): Config {
  try {
    return loadConfig(env, opts);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
