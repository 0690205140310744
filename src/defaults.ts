/**
 * Every operating number in one place: timeouts, TTLs, deadlines, the refresh lock, rate
 * limiter windows. Production uses these values; the server's options
 * (`ServerOverrides.defaults` in src/server.ts, `AppDeps.defaults` in src/app.ts) override
 * any of them, so a test never waits for a production timeout.
 *
 * The reasons behind each number are in docs/architecture.md ("Operating numbers") and
 * docs/security.md (the catalog ids named below).
 */
export interface Defaults {
  /** `Retry-After` on a 503 when a dependency is down (REDIS-02). */
  retryAfterS: number;

  // HTTP server (INPUT-06, INPUT-07): slow clients cannot hold sockets.
  /** Whole request, headers and body. */
  httpRequestTimeoutMs: number;
  /** Until the request headers are complete. */
  httpHeadersTimeoutMs: number;
  httpKeepAliveTimeoutMs: number;
  /** How often Node checks the two timeouts above. */
  httpConnectionsCheckIntervalMs: number;

  // Calls to OSC (UPSTREAM-10, UPSTREAM-12): bounded on every call.
  upstreamConnectTimeoutMs: number;
  upstreamHeadersTimeoutMs: number;
  upstreamBodyTimeoutMs: number;
  /** One call to an OSC API (the platform adapter). */
  upstreamCallTimeoutMs: number;
  /** One OAuth call to OSC (token, refresh, registration). */
  oscOAuthTimeoutMs: number;
  /** Overall deadline of one tool call (MCP-09). */
  toolDeadlineMs: number;
  /** How long a grant's subscription list is reused across requests (src/osc/subscription-cache.ts). */
  subscriptionCacheTtlMs: number;

  // The OSC token refresh single flight (UPSTREAM-02..05, REDIS-09).
  /** A replica killed while holding the lock delays the others by at most this. */
  refreshLockTtlMs: number;
  /** How often a replica waiting for another's refresh looks again. */
  refreshPollMs: number;
  /** A waiter gives up (503) after the lock TTL plus this. */
  refreshWaitMarginMs: number;
  /**
   * Grants whose opened OSC access token a replica keeps in memory, keyed by the exact sealed
   * blob (src/osc/lifecycle/refresh.ts; docs/security.md, "Secrets"). About 2.5 KB each.
   */
  openedTokenEntries: number;

  // Redis (REDIS-02, REDIS-06).
  /** How long a grant write waits for replica acknowledgements (REDIS_WAIT_REPLICAS). */
  redisWaitTimeoutMs: number;
  /**
   * How long one Redis command may take before the store counts as unavailable (503). Tests
   * that are not about fail-fast raise it, so a CPU-starved machine does not read as an outage.
   * 1 s: on a 2-core machine at load 10 the slowest of 41,765 commands took 368 ms (p99.9
   * 251 ms; bench/redis-latency.ts, docs/storage.md "Command timeout").
   */
  redisCommandTimeoutMs: number;
  /**
   * Access records each process remembers (src/oauth/bearer.ts): they never change, so the
   * grant id they name lets a request read the token, its grant and its limits at once.
   */
  accessHintEntries: number;

  // Browser flows.
  /** A pending consent and our round trip through OSC (OAUTH-17..20). */
  pendingTtlS: number;
  /** A /connections sign-in in flight. */
  signInTtlS: number;
  /** A signed-in /connections session. */
  sessionTtlS: number;
  /** Our authorization codes (OAuth 2.1 §4.1.2: short). */
  codeTtlS: number;
  /** How long a rotated refresh token answers one retry (OAUTH-28). */
  refreshGraceMs: number;
  /** A set_secret link: how long the person has to open it and type the value (SECRET-07). */
  secretEntryTtlS: number;
  /** A create_database link to the connection details page: how long it keeps working. */
  connectionViewTtlS: number;

  // Rate limiter windows (OAUTH-05, OAUTH-24, INPUT-08); the budgets are configuration
  // (src/config.ts, docs/limits.md).
  registerWindowS: number;
  /** Both /token budgets: per grant or client, and failures per address. */
  tokenWindowS: number;
  toolCallsWindowS: number;
  instanceCreatesWindowS: number;

  // My Apps builds take minutes (APPS-01, APPS-08): create_app and restart_app wait only when asked.
  /** How often a tool waiting for a build looks at the app again. */
  appBuildPollMs: number;
  /**
   * The longest build wait; a tool's `wait` argument (seconds) is capped by it. It can only
   * shorten the wait: the tools' `wait` schema and deadlines are built for this default.
   */
  appBuildWaitMaxMs: number;

  // Anonymous work (FLOOD-01..06, docs/limits.md "Anonymous work"); budgets are configuration.
  /** Window of the per-address budget for anonymous browser pages. */
  anonPagesWindowS: number;
  /** Window of the per-address ceiling on /register, /token, /revoke. */
  anonApiWindowS: number;
  /**
   * Window of the record counters (per address and in total). At least the lifetime of the
   * records they count (pending, upstream, signin: 10 min), so at most twice the budget can be
   * live at once (the records of this window and of the previous one).
   */
  anonRecordsWindowS: number;
  /** Longest `state`, `scope`, `client_id`, `redirect_uri`, `resource` accepted at /authorize. */
  maxParamChars: number;
  /** Largest record an anonymous request may store, serialized (bytes). */
  maxAnonRecordBytes: number;
  /** After a failed OSC client registration, no new one for this long (doubling per failure). */
  oscRegisterBackoffMs: number;
  /** Cap of that doubling. */
  oscRegisterBackoffMaxMs: number;
}

export const DEFAULTS: Readonly<Defaults> = Object.freeze({
  retryAfterS: 1,

  httpRequestTimeoutMs: 30_000,
  httpHeadersTimeoutMs: 10_000,
  httpKeepAliveTimeoutMs: 5_000,
  httpConnectionsCheckIntervalMs: 2_000,

  upstreamConnectTimeoutMs: 5_000,
  upstreamHeadersTimeoutMs: 10_000,
  upstreamBodyTimeoutMs: 10_000,
  upstreamCallTimeoutMs: 10_000,
  oscOAuthTimeoutMs: 10_000,
  toolDeadlineMs: 15_000,
  subscriptionCacheTtlMs: 30_000,

  refreshLockTtlMs: 15_000,
  refreshPollMs: 50,
  refreshWaitMarginMs: 5_000,
  openedTokenEntries: 1_000,

  redisWaitTimeoutMs: 100,
  redisCommandTimeoutMs: 1_000,
  accessHintEntries: 10_000,

  pendingTtlS: 600,
  signInTtlS: 600,
  sessionTtlS: 1800,
  codeTtlS: 60,
  refreshGraceMs: 60_000,
  secretEntryTtlS: 600,
  connectionViewTtlS: 86_400,

  registerWindowS: 3600,
  tokenWindowS: 900,
  toolCallsWindowS: 60,
  instanceCreatesWindowS: 3600,

  appBuildPollMs: 2_000,
  appBuildWaitMaxMs: 120_000,

  anonPagesWindowS: 600,
  anonApiWindowS: 900,
  anonRecordsWindowS: 600,
  maxParamChars: 2000,
  maxAnonRecordBytes: 8192,
  oscRegisterBackoffMs: 5_000,
  oscRegisterBackoffMaxMs: 300_000,
});

/** The defaults with `overrides` applied; an override must be a positive finite number. */
export function withDefaults(overrides: Partial<Defaults> = {}): Defaults {
  for (const [k, v] of Object.entries(overrides)) {
    if (!(k in DEFAULTS)) throw new TypeError(`unknown default ${k}`);
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0))
      throw new RangeError(`${k} must be a positive number`);
  }
  const out = { ...DEFAULTS };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) out[k as keyof Defaults] = v;
  return out;
}
