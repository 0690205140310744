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
  /** The parameters of an eyevinn-app-config-svc instance (its `/api/v1/config`). */
  config?: Map<string, ConfigEntry>;
}

export interface ConfigEntry {
  value: string;
  secret: boolean;
}

export interface MyApp {
  id: string;
  name: string;
  type: string;
  gitHubUrl: string;
  createdAtMs: number;
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
}

export interface IssuedSecret {
  kind: 'pat' | 'refresh_token' | 'sat' | 'client_secret' | 'code' | 'service_secret' | 'config_secret' | 'config_api_key' | 'git_token';
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
