/**
 * What the store contracts share (REDIS-01; docs/architecture.md, "Storage"): the harness an
 * adapter hands them, fresh for every case, and sample records. One contract per narrow
 * port of src/storage/store.ts (./record-store-contract.ts, ./grant-store-contract.ts,
 * ./user-index-contract.ts, ./lock-store-contract.ts) and the whole port's own part
 * (./token-store-contract.ts), each run against the memory adapter (test/unit/storage) and
 * the Redis adapters (test/integration).
 *
 * `advance(ms)` moves an injected clock; without it a case waits in real time, so TTL-based
 * cases use short TTLs (1 s record, 200 ms lock) to keep the run fast.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach } from 'vitest';
import type { GrantRecord, Records } from '../../src/storage/records.js';
import type { TokenStore } from '../../src/storage/store.js';

export interface StoreHarness<S = TokenStore> {
  store: S;
  advance?(ms: number): void;
  cleanup(): Promise<void>;
}

/** Makes a fresh store (and its cleanup) for each case. */
export type MakeStore<S = TokenStore> = () => Promise<StoreHarness<S>>;

/** The case's store, and time passing for it (the injected clock, or real time). */
export interface ContractCase<S> {
  readonly store: S;
  elapse(ms: number): Promise<unknown>;
}

/** Registers beforeEach/afterEach in the calling describe: a fresh harness per case. */
export function useStore<S>(make: MakeStore<S>): ContractCase<S> {
  let h: StoreHarness<S> | undefined;
  beforeEach(async () => {
    h = await make();
  });
  afterEach(() => h?.cleanup());
  return {
    get store() {
      if (!h) throw new Error('no store outside a case');
      return h.store;
    },
    elapse: async (ms) => (h?.advance ? h.advance(ms) : new Promise((r) => setTimeout(r, ms))),
  };
}

const T = 1_700_000_000_000;
export const uid = (): string => randomUUID();

/** A grant as the callback writes it: nested rotation state, unicode, a sealed blob. */
export function sampleGrant(id = uid(), version = 1): GrantRecord {
  return {
    id,
    version,
    clientId: 'c-1',
    scopes: ['osc:read', 'osc:write'],
    resource: 'https://mcp.example/mcp',
    tenantId: 'tenant-ø',
    userId: 'user "quoted" 🎬',
    createdAt: T,
    oscSealed: 'v1.0123abcd.AAAA',
    oscExpiresAt: T + 3_600_000,
    oscLifetimeMs: 3_600_000,
    oscClientId: 'osc-c',
    refresh: { current: 'h-cur', previous: 'h-prev', previousUntil: T + 30_000 },
  };
}

/** One record of each kind; those that can name a grant name `grantId`. */
export function sampleRecords(grantId = uid()): Records {
  const base = {
    clientId: 'c-1',
    redirectUri: 'http://127.0.0.1:3000/cb',
    codeChallenge: 'x'.repeat(43),
    scopes: ['osc:read'],
    resource: 'https://mcp.example/mcp',
    createdAt: T,
  };
  return {
    client: {
      clientId: 'c-1',
      redirectUris: ['https://a.example/cb'],
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      tokenEndpointAuthMethod: 'none',
      source: 'dcr',
      createdAt: T,
    },
    pending: { ...base, id: uid(), state: 's', csrfHash: 'h1', browserHash: 'h2' },
    upstream: { ...base, pendingId: uid(), browserHash: 'h2', oscCodeVerifier: 'v'.repeat(43), oscClientId: 'osc-c' },
    grant: sampleGrant(grantId),
    code: { ...base, grantId },
    redeemed: { grantId, clientId: 'c-1', codeChallenge: 'x'.repeat(43) },
    clientAlias: { clientId: 'c-1' },
    assertion: { clientId: 'https://client.example/meta.json' },
    access: {
      grantId,
      clientId: 'c-1',
      scopes: ['osc:read'],
      resource: 'https://mcp.example/mcp',
      expiresAt: T + 3_600_000,
    },
    refresh: { grantId, clientId: 'c-1' },
    oscClient: {
      clientId: 'osc-c',
      clientSecretSealed: 'v1.0123abcd.BBBB',
      redirectUri: 'https://mcp.example/oauth/callback',
      registeredAt: T,
      expiresAt: T + 86_400_000,
    },
    signin: { browserHash: 'h2', oscCodeVerifier: 'v'.repeat(43), oscClientId: 'osc-c', createdAt: T },
    session: { tenantId: 'tenant-ø', userId: 'u-1', csrfHash: 'h3', createdAt: T },
    secretEntry: {
      grantId,
      clientId: 'c-1',
      tenantId: 'tenant-ø',
      userId: 'u-1',
      serviceId: 'birme-osc-postgresql',
      secretName: 'dbpassword',
      createdAt: T,
      expiresAt: T + 600_000,
      csrf: { sessionId: 's-1', hash: 'h4' },
    },
    connectionView: {
      grantId,
      clientId: 'c-1',
      tenantId: 'tenant-ø',
      userId: 'u-1',
      serviceId: 'birme-osc-postgresql',
      name: 'shopdb',
      secretName: 'shopdb-password',
      template: { scheme: 'postgresql', user: 'postgres', path: '/postgres', port: 5432 },
      createdAt: T,
      expiresAt: T + 86_400_000,
    },
    suspended: { clientId: 'https://app.example/client.json', suspendedAt: T },
    clientUse: { at: T },
  };
}
