/**
 * Everything the emulator remembers, in memory, per process. `reset()` returns it to the
 * seed (a new signing key too, so every token issued before is dead).
 */
import { randomBytes } from 'node:crypto';
import { Clock } from './clock.js';
import { FaultRegistry } from './faults.js';
import type {
  AuthCode,
  Client,
  EmulatorOptions,
  IssuedSecret,
  RefreshRecord,
  RepoSpec,
  RequestLogEntry,
  SatRecord,
  Stats,
  Tenant,
  TokenRecord,
  Transaction,
} from './records.js';
import { DEMO_USERS, type DemoUser } from './users.js';

export type * from './records.js';

const REQUEST_LOG_CAP = 10_000;

export class EmulatorState {
  readonly clock = new Clock();
  readonly faults = new FaultRegistry();
  readonly baseOptions: EmulatorOptions;
  options!: EmulatorOptions;
  jwtKey!: Buffer;
  rememberConsent = false;
  latencyMs = 0;
  users = new Map<string, DemoUser>();
  tenants = new Map<string, Tenant>();
  clients = new Map<string, Client>();
  transactions = new Map<string, Transaction>();
  codes = new Map<string, AuthCode>();
  refreshTokens = new Map<string, RefreshRecord>();
  pats = new Map<string, TokenRecord>();
  sats = new Map<string, SatRecord>();
  consents = new Set<string>();
  issued: IssuedSecret[] = [];
  requests: RequestLogEntry[] = [];
  /** Git repositories the knobs registered (private ones, refs, a failing build); others are public. */
  repos = new Map<string, RepoSpec>();
  /** Build outputs of the next My App builds to fail (`POST /__emulator/builds`), in order. */
  failingBuilds: string[] = [];
  stats!: Stats;

  constructor(options: EmulatorOptions) {
    this.baseOptions = { ...options, serviceStartMs: { ...options.serviceStartMs } };
    this.reset();
  }

  reset(): void {
    this.options = { ...this.baseOptions, serviceStartMs: { ...this.baseOptions.serviceStartMs } };
    this.jwtKey = randomBytes(32);
    this.clock.set(0);
    this.faults.clear();
    this.rememberConsent = false;
    this.latencyMs = 0;
    this.users = new Map(DEMO_USERS.map((u) => [u.id, u]));
    this.tenants = new Map(DEMO_USERS.map((u) => [u.tenantId, newTenant(u)]));
    this.clients = new Map([['cli', cliClient()]]);
    this.transactions.clear();
    this.codes.clear();
    this.refreshTokens.clear();
    this.pats.clear();
    this.sats.clear();
    this.consents.clear();
    this.issued = [];
    this.requests = [];
    this.repos.clear();
    this.failingBuilds = [];
    this.stats = {
      codeExchanges: 0,
      codeExchangeFailures: 0,
      refreshes: 0,
      refreshFailures: 0,
      apiCalls: 0,
      registrations: 0,
      hangsClosed: 0,
      calls: {},
    };
  }

  count(routeId: string): void {
    this.stats.calls[routeId] = (this.stats.calls[routeId] ?? 0) + 1;
  }

  recordSecret(kind: IssuedSecret['kind'], value: string, userId?: string): void {
    this.issued.push({ kind, value, ...(userId ? { userId } : {}), issuedAtMs: this.clock.nowMs() });
  }

  logRequest(entry: RequestLogEntry): void {
    this.requests.push(entry);
    if (this.requests.length > REQUEST_LOG_CAP) this.requests.splice(0, this.requests.length - REQUEST_LOG_CAP);
  }

  /** Kills every PAT, refresh token and SAT of a user (`POST /__emulator/revoke`). */
  revokeUser(userId: string): number {
    let n = 0;
    for (const rec of [...this.pats.values(), ...this.sats.values()]) {
      if (rec.userId === userId && !rec.revoked) {
        rec.revoked = true;
        n += 1;
      }
    }
    for (const rt of this.refreshTokens.values()) {
      if (rt.userId === userId && !rt.dead) {
        rt.dead = true;
        n += 1;
      }
    }
    return n;
  }
}

function newTenant(u: DemoUser): Tenant {
  return {
    id: u.tenantId,
    plan: u.plan,
    availableTokens: u.tokens,
    usedTokens: 0,
    subscriptions: new Set(u.subscriptions),
    instances: new Map(),
    secrets: new Map(),
    apps: new Map(),
    appHolds: new Map(),
    gitCredentials: new Map(),
  };
}

/** The CLI's pre-registered public client (src/emulator/README.md: loopback redirect, no secret). */
function cliClient(): Client {
  return {
    clientId: 'cli',
    name: 'OSC CLI',
    redirectUris: ['http://localhost/callback', 'http://127.0.0.1/callback'],
    kind: 'public',
    authMethod: 'none',
    grantTypes: ['authorization_code', 'refresh_token'],
    issuedAtS: 0,
  };
}
