/**
 * The records the emulator keeps (state.ts holds them). Secrets are kept in clear: this is
 * a test double, and `GET /__emulator/secrets` must be able to list them.
 */
import type { Plan } from './users.js';

export interface EmulatorOptions {
  accessTokenTtlS: number;
  refreshTokenTtlS: number;
  dcrClientTtlS: number;
  satTtlS: number;
  instanceStartMs: number;
  /** Start delay per service id, overriding `instanceStartMs` (databases that take longer). */
  serviceStartMs: Record<string, number>;
  /** How long a deleted My App's name stays taken. */
  appNameHoldMs: number;
  /** How long a restart is accepted before the build status flips to `building`. */
  appBuildQueueMs: number;
  /** How long a rebuilt app answers 404 while its instance is recreated. */
  appRebuildGoneMs: number;
  autoConsent?: string | undefined;
}

export interface Client {
  clientId: string;
  secret?: string;
  name: string;
  redirectUris: string[];
  /** public: `cli`; dcr: `/api/connect/register`; console: `osc_…` via the admin API. */
  kind: 'public' | 'dcr' | 'console';
  authMethod: 'none' | 'client_secret_post' | 'client_secret_basic';
  grantTypes: string[];
  issuedAtS: number;
  expiresAtS?: number;
}

export interface Transaction {
  id: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  state?: string;
  scope?: string;
  userId?: string;
  expiresAtMs: number;
}

export interface AuthCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  userId: string;
  scope?: string;
  expiresAtMs: number;
}

export interface RefreshRecord {
  userId: string;
  clientId: string;
  expiresAtMs: number;
  dead: boolean;
}

export interface TokenRecord {
  userId: string;
  revoked: boolean;
}

export interface SatRecord extends TokenRecord {
  tenantId: string;
  serviceId: string;
}

export interface Instance {
  serviceId: string;
  name: string;
  options: Record<string, unknown>;
  createdAtMs: number;
  startedAtMs: number;
  healthOverride?: string;
  logs: string[];
  /** Why the last start failed (a `{{secrets.<name>}}` that did not resolve); health says `failed`. */
  failure?: string;
  /** Option values with secret references resolved at the last start (never served). */
  resolved: Record<string, unknown>;
  /** `false` when the external TCP port is closed (`/ports` empty, `publicAccess: false`). */
  publicAccess: boolean;
  /** Log lines that appear once the emulator clock reaches `atMs` (build output). */
  pendingLogs?: Array<{ atMs: number; line: string }>;
  /** The parameters of an eyevinn-app-config-svc instance (its `/api/v1/config`). */
  config?: Map<string, ConfigEntry>;
}

export interface ConfigEntry {
  value: string;
  secret: boolean;
}

/** What an app's build clones (`gitUrl`, `sourceRef`, `subPath` on the wire). */
export interface AppSource {
  repo: string;
  /** A branch, tag or commit; the default branch when absent. */
  ref?: string;
  /** The folder of the repository the build runs in. */
  folder?: string;
}

export interface MyApp {
  /** The Web Runner instance name too (Terraform: "the app id, which the platform derives from the name"). */
  id: string;
  name: string;
  type: string;
  source: AppSource;
  /** A literal token or a `{{secrets.<name>}}` reference to an eyevinn-web-runner secret. */
  gitToken?: string;
  /** `user.gitcred.<name>` (Terraform `gitCredentialRef`), resolved from `Tenant.gitCredentials`. */
  gitCredentialRef?: string;
  configService?: string;
  configApiKey?: string;
  haEnabled: boolean;
  createdAtMs: number;
  /** Until then the app reports `previousStatus` (a restart accepted before the build starts). */
  queuedUntilMs: number;
  previousStatus: string;
  /** Until then GET answers 404 (a rebuild recreating the instance). */
  goneUntilMs: number;
}

export interface Tenant {
  id: string;
  plan: Plan;
  availableTokens: number;
  usedTokens: number;
  subscriptions: Set<string>;
  /** serviceId → instance name → instance */
  instances: Map<string, Map<string, Instance>>;
  /** serviceId → secret name → value */
  secrets: Map<string, Map<string, string>>;
  apps: Map<string, MyApp>;
  /** App ids freed by a delete, held until the time given (name "already taken" meanwhile). */
  appHolds: Map<string, number>;
  /** Workspace Git credentials by name (set with the knobs; no OSC API for them is known). */
  gitCredentials: Map<string, string>;
}

export interface IssuedSecret {
  kind:
    | 'pat'
    | 'refresh_token'
    | 'sat'
    | 'client_secret'
    | 'code'
    | 'service_secret'
    | 'config_secret'
    | 'config_api_key'
    | 'git_token';
  value: string;
  userId?: string;
  issuedAtMs: number;
}

export interface RequestLogEntry {
  method: string;
  host: string;
  path: string;
  query: string;
}

export interface Stats {
  codeExchanges: number;
  codeExchangeFailures: number;
  refreshes: number;
  refreshFailures: number;
  apiCalls: number;
  registrations: number;
  hangsClosed: number;
  calls: Record<string, number>;
}

/** A Git repository as the build sees it (`POST /__emulator/repos`). */
export interface RepoSpec {
  /** The token a clone needs; undefined for a public repository. */
  token?: string;
  /** Branches and tags that exist; undefined accepts any ref but a commit SHA. */
  refs?: string[];
  /** Build output that makes every build of this repository fail. */
  failBuild?: string;
}
