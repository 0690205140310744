// Operator controls (src/admin): the functions `npm run admin` prints, against the memory
// store (it passes the same contract suite as Redis). Summaries only: no token, hash of one
// or sealed value ever appears in what they return or print.
import { describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../../src/storage/memory-store.js';
import type { ClientRecord, GrantRecord } from '../../../src/storage/records.js';
import {
  AdminError,
  listClients,
  resumeClient,
  revokeClient,
  revokeUser,
  storeStats,
  suspendClient,
  SUSPENSION_TTL_S,
} from '../../../src/admin/operator.js';
import { runVerb } from '../../../src/admin/main.js';
import { clientUseRecorder, CLIENT_USE_INTERVAL_MS } from '../../../src/oauth/suspension.js';

const T = 1_800_000_000_000;
const SEALED_OLD = 'v1.0badc0de.c2VhbGVkLW9sZA';
const SEALED_NEW = 'v1.a1b2c3d4.c2VhbGVkLW5ldw';
const SECRET_HASH = 'c2VjcmV0LWhhc2gtb2YtdGhlLWNsaWVudA';
const CIMD = 'https://app.example.com/oauth/client.json';

function client(id: string, name: string, uris: string[]): ClientRecord {
  return {
    clientId: id,
    secretHash: SECRET_HASH,
    clientName: name,
    redirectUris: uris,
    grantTypes: ['authorization_code', 'refresh_token'],
    responseTypes: ['code'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    source: 'dcr',
    createdAt: T,
  };
}

function grant(id: string, clientId: string, tenantId: string, userId: string, oscSealed = SEALED_NEW): GrantRecord {
  return {
    id,
    version: 1,
    clientId,
    scopes: ['osc:read'],
    resource: 'https://mcp.example/mcp',
    tenantId,
    userId,
    createdAt: T,
    oscSealed,
    oscExpiresAt: T + 3_600_000,
    oscLifetimeMs: 3_600_000,
    oscClientId: 'osc-c',
  };
}

async function seeded() {
  const store = new MemoryTokenStore({ sweepIntervalMs: 0 });
  await store.put(
    'client',
    'oscm_client_a',
    client('oscm_client_a', 'Claude Code', ['http://127.0.0.1:33418/callback', 'http://127.0.0.1:40000/callback']),
    3600,
  );
  await store.put(
    'client',
    'oscm_client_b',
    client('oscm_client_b', 'Evil\u001b[2Japp', ['https://b.example/cb']),
    3600,
  );
  await store.put('grant', 'g1', grant('g1', 'oscm_client_a', 'acme', 'alice'), 3600);
  await store.put('grant', 'g2', grant('g2', 'oscm_client_a', 'acme', 'bob', SEALED_OLD), 3600);
  await store.put('grant', 'g3', grant('g3', CIMD, 'acme', 'alice'), 3600);
  await store.put('grant', 'g4', grant('g4', 'oscm_client_b', 'other', 'carol'), 3600);
  for (const g of ['g1', 'g2', 'g3', 'g4'])
    await store.put(
      'access',
      `hash-of-token-${g}`,
      {
        grantId: g,
        clientId: 'x',
        scopes: ['osc:read'],
        resource: 'https://mcp.example/mcp',
        expiresAt: T + 3_600_000,
      },
      3600,
    );
  await store.put('clientUse', 'oscm_client_a', { at: T + 60_000 }, 3600);
  return store;
}

describe('listClients', () => {
  it('lists registered and metadata-document clients (most recently used first) with name, kind, redirect hosts, live grants, last use and suspension', async () => {
    const store = await seeded();
    await suspendClient(store, 'oscm_client_b', T + 5_000);
    const rows = await listClients(store);
    expect(rows).toEqual([
      {
        clientId: 'oscm_client_a',
        name: 'Claude Code',
        kind: 'dcr',
        redirectHosts: ['127.0.0.1:33418', '127.0.0.1:40000'],
        liveGrants: 2,
        lastUseAt: T + 60_000,
      },
      { clientId: CIMD, name: 'app.example.com', kind: 'metadata document', redirectHosts: [], liveGrants: 1 },
      {
        clientId: 'oscm_client_b',
        name: 'Evil\u001b[2Japp',
        kind: 'dcr',
        redirectHosts: ['b.example'],
        liveGrants: 1,
        suspendedAt: T + 5_000,
      },
    ]);
    expect(JSON.stringify(rows)).not.toContain(SECRET_HASH);
  });
});

describe('suspend and resume', () => {
  it('suspend writes a suspension that lives a year and says whether the client is known; resume lifts it once', async () => {
    const store = await seeded();
    expect(await suspendClient(store, 'oscm_client_a', T)).toEqual({ known: true });
    expect(await store.get('suspended', 'oscm_client_a')).toEqual({ clientId: 'oscm_client_a', suspendedAt: T });
    expect(SUSPENSION_TTL_S).toBe(365 * 24 * 3600);
    expect(await suspendClient(store, 'https://new.example/client.json', T)).toEqual({ known: false });
    expect(await resumeClient(store, 'oscm_client_a')).toBe(true);
    expect(await resumeClient(store, 'oscm_client_a')).toBe(false);
    expect(await store.get('suspended', 'oscm_client_a')).toBeUndefined();
    // Grants are untouched by either.
    expect(await store.get('grant', 'g1')).toBeDefined();
  });

  it('refuses a client id with spaces, control characters or over 512 characters', async () => {
    const store = await seeded();
    for (const bad of ['', 'a b', 'a\nb', 'x'.repeat(513)])
      await expect(suspendClient(store, bad)).rejects.toBeInstanceOf(AdminError);
  });
});

describe('revocation', () => {
  it('revoke-client removes every grant of that client and the tokens under them, nothing else', async () => {
    const store = await seeded();
    expect(await revokeClient(store, 'oscm_client_a')).toBe(2);
    expect(await store.get('grant', 'g1')).toBeUndefined();
    expect(await store.get('access', 'hash-of-token-g2')).toBeUndefined();
    expect(await store.get('grant', 'g3')).toBeDefined();
    expect(await store.get('access', 'hash-of-token-g4')).toBeDefined();
    expect(await revokeClient(store, 'oscm_client_a')).toBe(0);
  });

  it('revoke-user takes <tenant>:<user> (one person) or <tenant> (everyone in it)', async () => {
    const store = await seeded();
    expect(await revokeUser(store, 'acme:alice')).toBe(2);
    expect(await store.get('grant', 'g2')).toBeDefined();
    expect(await revokeUser(store, 'acme')).toBe(1);
    expect(await store.get('grant', 'g4')).toBeDefined();
    expect(await revokeUser(store, 'nobody:here')).toBe(0);
    await expect(revokeUser(store, 'has space')).rejects.toBeInstanceOf(AdminError);
  });
});

describe('stats', () => {
  it('counts records per kind and grants per seal key id', async () => {
    const store = await seeded();
    const s = await storeStats(store);
    expect(s.records).toMatchObject({ client: 2, grant: 4, access: 4, clientUse: 1, suspended: 0 });
    expect(s.grantsBySealKey).toEqual({ a1b2c3d4: 3, '0badc0de': 1 });
  });
});

describe('npm run admin output (runVerb)', () => {
  it('prints clients as a table with control characters neutralised, and as JSON on --json', async () => {
    const store = await seeded();
    const text = await runVerb(store, ['clients']);
    expect(text.split('\n')[0]).toMatch(/^client_id\s+name\s+kind\s+redirect hosts\s+grants\s+last use\s+suspended$/);
    expect(text).toContain('Evil?[2Japp');
    expect(text).not.toContain('\u001b');
    expect(JSON.parse(await runVerb(store, ['clients', '--json']))).toHaveLength(3);
  });

  it('stats names which key ids SEAL_KEYS still opens; nothing printed is a sealed value or a hash', async () => {
    const store = await seeded();
    const text = await runVerb(store, ['stats'], ['a1b2c3d4']);
    expect(text).toContain('a1b2c3d4  3  (current sealing key)');
    expect(text).toContain('0badc0de  1  (NOT in SEAL_KEYS: cannot be opened)');
    const all = [
      text,
      await runVerb(store, ['clients']),
      await runVerb(store, ['clients', '--json']),
      await runVerb(store, ['stats', '--json']),
    ].join('\n');
    for (const secret of [SEALED_NEW, SEALED_OLD, 'c2VhbGVk', SECRET_HASH, 'hash-of-token'])
      expect(all).not.toContain(secret);
  });

  it('suspend, resume and the revokes say what they did; a bad verb or argument count is an AdminError with the usage', async () => {
    const store = await seeded();
    expect(await runVerb(store, ['suspend', 'oscm_client_a'])).toBe('suspended oscm_client_a');
    expect(await runVerb(store, ['resume', 'oscm_client_a'])).toBe('resumed oscm_client_a');
    expect(await runVerb(store, ['revoke-user', 'other:carol'])).toBe('revoked 1 grant(s) of other:carol');
    await expect(runVerb(store, ['suspend'])).rejects.toThrow(/exactly one client id/);
    await expect(runVerb(store, ['frobnicate'])).rejects.toThrow(/unknown verb frobnicate\nusage:/);
  });
});

describe('client last use', () => {
  it('is written at most once a minute per client per process, without a read', async () => {
    let now = T;
    const writes: Array<[string, number]> = [];
    const store = { put: async (_k: 'clientUse', id: string, v: { at: number }) => void writes.push([id, v.at]) };
    const record = clientUseRecorder(store as never, () => now);
    record('a');
    record('a');
    record('b');
    now += CLIENT_USE_INTERVAL_MS - 1;
    record('a');
    now += 1;
    record('a');
    expect(writes).toEqual([
      ['a', T],
      ['b', T],
      ['a', T + CLIENT_USE_INTERVAL_MS],
    ]);
  });
});
