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
  kind: 'pat' | 'refresh_token' | 'sat' | 'client_secret' | 'code';
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
