/**
 * Operator controls over the shared store (docs/operations.md, "Operator controls"): list
 * our clients, suspend and resume one, revoke every grant of a client or of one OSC user,
 * count what the store holds. `npm run admin` (./main.ts) prints these results; tests call
 * them directly. Nothing here returns a token, a hash of one or a sealed value: summaries
 * only (a seal key id is a truncated hash of the key, not secret: src/storage/seal.ts).
 */
import { KINDS, type GrantRecord, type Kind, type Records } from '../storage/records.js';
import type { TokenStore } from '../storage/store.js';

/** What the operator functions need of the store port. */
export type AdminStore = Pick<TokenStore, 'get' | 'put' | 'delete' | 'revokeGrant' | 'scan'>;

/**
 * A suspension lasts a year unless lifted (the store's rule: every record has a TTL); longer
 * than any token, grant or registration of the client can live without using it.
 * `clients` shows it, and suspending again renews it.
 */
export const SUSPENSION_TTL_S = 365 * 24 * 3600;

export type ClientKind = 'dcr' | 'metadata document';

export interface ClientSummary {
  clientId: string;
  /** Self-declared name (DCR); for a metadata document, the host that vouches for it. */
  name?: string;
  kind: ClientKind;
  redirectHosts: string[];
  liveGrants: number;
  /** Epoch ms of the last access token it presented (to the minute); absent when unknown. */
  lastUseAt?: number;
  suspendedAt?: number;
}

async function all<K extends Kind>(store: AdminStore, kind: K): Promise<Array<[string, Records[K]]>> {
  const out: Array<[string, Records[K]]> = [];
  for await (const batch of store.scan(kind)) out.push(...batch);
  return out;
}

/** Client ids are ours (`oscm_client_…`) or https URLs (metadata documents); both bounded. */
export function checkClientId(clientId: string): string {
  if (!/^[\x21-\x7e]{1,512}$/.test(clientId))
    throw new AdminError('a client id is 1-512 printable characters without spaces');
  return clientId;
}

export class AdminError extends Error {
  override readonly name = 'AdminError';
}

function isMetadataUrl(clientId: string): boolean {
  return clientId.startsWith('https://');
}

function hostOf(uri: string): string {
  try {
    const u = new URL(uri);
    return u.host || `${u.protocol}//`;
  } catch {
    return '(invalid)';
  }
}

/** Every client with a registration, a grant, a recorded use or a suspension. */
export async function listClients(store: AdminStore): Promise<ClientSummary[]> {
  const [clients, grants, uses, suspended] = await Promise.all([
    all(store, 'client'),
    all(store, 'grant'),
    all(store, 'clientUse'),
    all(store, 'suspended'),
  ]);
  const byId = new Map<string, ClientSummary>();
  const entry = (clientId: string): ClientSummary => {
    let s = byId.get(clientId);
    if (!s) {
      const cimd = isMetadataUrl(clientId);
      s = {
        clientId,
        kind: cimd ? 'metadata document' : 'dcr',
        name: cimd ? hostOf(clientId) : undefined,
        redirectHosts: [],
        liveGrants: 0,
      };
      byId.set(clientId, s);
    }
    return s;
  };
  for (const [id, c] of clients) {
    const s = entry(id);
    s.kind = c.source === 'cimd' ? 'metadata document' : 'dcr';
    s.name = c.clientName ?? s.name;
    s.redirectHosts = [...new Set(c.redirectUris.map(hostOf))];
  }
  for (const [, g] of grants) entry(g.clientId).liveGrants += 1;
  for (const [id, u] of uses) entry(id).lastUseAt = u.at;
  for (const [id, s] of suspended) entry(id).suspendedAt = s.suspendedAt;
  return [...byId.values()].sort(
    (a, b) =>
      (b.lastUseAt ?? 0) - (a.lastUseAt ?? 0) || b.liveGrants - a.liveGrants || a.clientId.localeCompare(b.clientId),
  );
}

/**
 * Blocks a client on every replica: the bearer check, the token endpoint and /authorize read
 * the suspension (src/oauth/suspension.ts). Returns whether the store knows the client at all
 * (a registration or a grant); an unknown id is suspended anyway, so a metadata-document
 * client can be blocked before it first connects.
 */
export async function suspendClient(
  store: AdminStore,
  clientId: string,
  now = Date.now(),
): Promise<{ known: boolean }> {
  checkClientId(clientId);
  await store.put('suspended', clientId, { clientId, suspendedAt: now }, SUSPENSION_TTL_S);
  const known =
    (await store.get('client', clientId)) !== undefined ||
    (await grantsOf(store, (g) => g.clientId === clientId)).length > 0;
  return { known };
}

/** Lifts a suspension. Returns whether the client was suspended. */
export async function resumeClient(store: AdminStore, clientId: string): Promise<boolean> {
  checkClientId(clientId);
  const was = (await store.get('suspended', clientId)) !== undefined;
  await store.delete('suspended', clientId);
  return was;
}

async function grantsOf(store: AdminStore, match: (g: GrantRecord) => boolean): Promise<string[]> {
  return (await all(store, 'grant')).filter(([, g]) => match(g)).map(([id]) => id);
}

async function revokeAll(store: AdminStore, ids: string[]): Promise<number> {
  for (const id of ids) await store.revokeGrant(id);
  return ids.length;
}

/** Revokes every grant of a client and every token issued under them. Returns how many grants. */
export async function revokeClient(store: AdminStore, clientId: string): Promise<number> {
  checkClientId(clientId);
  return revokeAll(store, await grantsOf(store, (g) => g.clientId === clientId));
}

/**
 * Revokes every grant of one OSC user (`<tenant>:<user>`, as /connections and the logs name
 * them: src/storage/records.ts userKeyOf) or of every user of a tenant (`<tenant>`).
 */
export async function revokeUser(store: AdminStore, who: string): Promise<number> {
  if (!/^[^\s]{1,512}$/.test(who)) throw new AdminError('name an OSC user as <tenant>:<user>, or a tenant');
  const i = who.indexOf(':');
  const tenantId = i < 0 ? who : who.slice(0, i);
  const userId = i < 0 ? undefined : who.slice(i + 1);
  return revokeAll(
    store,
    await grantsOf(store, (g) => g.tenantId === tenantId && (userId === undefined || g.userId === userId)),
  );
}

export interface StoreStats {
  /** Live records per kind. */
  records: Record<Kind, number>;
  /** Grants per seal key id (`v1.<kid>.…`, src/storage/seal.ts): watch an old key drain during rotation. */
  grantsBySealKey: Record<string, number>;
  suspendedClients: number;
}

export async function storeStats(store: AdminStore): Promise<StoreStats> {
  const records = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
  const grantsBySealKey: Record<string, number> = {};
  for (const kind of KINDS) {
    for await (const batch of store.scan(kind)) {
      records[kind] += batch.length;
      if (kind !== 'grant') continue;
      for (const [, g] of batch as Array<[string, GrantRecord]>) {
        const kid = /^v1\.([0-9a-f]{8})\./.exec(g.oscSealed)?.[1] ?? 'unknown';
        grantsBySealKey[kid] = (grantsBySealKey[kid] ?? 0) + 1;
      }
    }
  }
  return { records, grantsBySealKey, suspendedClients: records.suspended };
}
