/**
 * Secret values typed by the person, never by the model (issue 19; docs/security.md SECRET-07..):
 * the policy behind `set_secret` and the page `/secrets/enter/<id>`, as functions that unit
 * tests reach without HTTP (docs/architecture.md, "Layers").
 *
 * A link is 256 random bits (base64url, 43 characters); we store only its SHA-256, as the id
 * of a `secretEntry` record (docs/storage.md) with the grant, client, OSC user, service and
 * secret name, never a value. It lives `secretEntryTtlS` (src/defaults.ts) and is taken once,
 * atomically, when the value has gone to OSC. Revoking the grant removes it (its `grantId`).
 */
import { randomBytes } from 'node:crypto';
import type { RecordStore } from '../storage/store.js';
import type { ConnectionViewRecord, LinkOwner, Records, SecretEntryRecord } from '../storage/records.js';
import { hashSecret, timingSafeEqualStr } from '../storage/hash.js';
import { GrantRevokedError } from '../errors.js';

/** The random part of a link, as it appears in the URL. */
export const ENTRY_ID_RE = /^[A-Za-z0-9_-]{43}$/;

/** Who a grant acts for and through which client: what a link is bound to. */
export type EntryOwner = LinkOwner;

export interface OpenedEntry {
  /** The link's random part: only in the URL we hand back, never stored. */
  id: string;
  expiresAt: number;
}

/** The two kinds of link: a secret to type (single use) and a database's connection details. */
type LinkKind = 'secretEntry' | 'connectionView';

/** Stores a link of `kind` for `ttlS` seconds and returns its random part; only its hash is kept. */
async function openLink<K extends LinkKind>(
  store: RecordStore,
  kind: K,
  fields: Omit<Records[K], 'createdAt' | 'expiresAt'>,
  opts: { ttlS: number; now: number },
): Promise<OpenedEntry> {
  const id = randomBytes(32).toString('base64url');
  const expiresAt = opts.now + opts.ttlS * 1000;
  const rec = { ...fields, createdAt: opts.now, expiresAt } as Records[K];
  await store.put(kind, hashSecret(id), rec, opts.ttlS);
  return { id, expiresAt };
}

/** A link's record when it is well-formed, unused and unexpired; undefined otherwise. */
async function findLink<K extends LinkKind>(store: RecordStore, kind: K, id: string, now: number) {
  if (!ENTRY_ID_RE.test(id)) return undefined;
  const key = hashSecret(id);
  const record = await store.get(kind, key);
  if (!record || record.expiresAt <= now) return undefined;
  return { key, record };
}

/** Opens a single-use link for the owner to type `secretName` of `serviceId`. */
export function openSecretEntry(
  store: RecordStore,
  owner: EntryOwner,
  target: { serviceId: string; secretName: string },
  opts: { ttlS: number; now: number },
): Promise<OpenedEntry> {
  return openLink(store, 'secretEntry', { ...pick(owner), ...target }, opts);
}

/** How to write a database's connection string, and the name of its password's secret (never the password). */
export type DatabaseView = Omit<ConnectionViewRecord, keyof LinkOwner | 'createdAt' | 'expiresAt'>;

/** Opens a link to the connection details page of a database, for the owner, for `ttlS` seconds. */
export function openConnectionView(
  store: RecordStore,
  owner: EntryOwner,
  view: DatabaseView,
  opts: { ttlS: number; now: number },
): Promise<OpenedEntry> {
  return openLink(store, 'connectionView', { ...pick(owner), ...view }, opts);
}

/** Exactly the owner's four fields (an object with more must not leak them into a record). */
function pick(o: EntryOwner): EntryOwner {
  return { grantId: o.grantId, clientId: o.clientId, tenantId: o.tenantId, userId: o.userId };
}

/** Where the person types the value: our page, on our public origin. */
export function secretEntryUrl(publicUrl: string, id: string): string {
  return `${publicUrl}/secrets/enter/${id}`;
}

/** The secret link's record when it is well-formed, unused and unexpired; undefined otherwise. */
export function findSecretEntry(store: RecordStore, id: string, now: number) {
  return findLink(store, 'secretEntry', id, now);
}

/** The connection details link's record when it is well-formed and unexpired. */
export function findConnectionView(store: RecordStore, id: string, now: number) {
  return findLink(store, 'connectionView', id, now);
}

/** Where the person sees a database's connection details. */
export function connectionViewUrl(publicUrl: string, id: string): string {
  return `${publicUrl}/secrets/connection/${id}`;
}

/** The same OSC user (tenant and user) as the grant that asked. */
export function isOwner(
  rec: Pick<SecretEntryRecord, 'tenantId' | 'userId'>,
  who: { tenantId: string; userId: string },
) {
  return rec.tenantId === who.tenantId && rec.userId === who.userId;
}

/** Whole seconds the record has left (at least 1, so a write never asks for TTL 0). */
function remainingS(rec: SecretEntryRecord, now: number): number {
  return Math.max(1, Math.ceil((rec.expiresAt - now) / 1000));
}

/**
 * A CSRF token for the form shown to the owner's session: its hash and the session id go
 * on the record, so the token is bound to both the session and this one link. A new GET
 * replaces it. Call only after `isOwner`.
 */
export async function issueEntryCsrf(
  store: RecordStore,
  entry: { key: string; record: SecretEntryRecord },
  sessionId: string,
  now: number,
): Promise<string> {
  const csrf = randomBytes(32).toString('base64url');
  const record: SecretEntryRecord = { ...entry.record, csrf: { sessionId, hash: hashSecret(csrf) } };
  await store.put('secretEntry', entry.key, record, remainingS(entry.record, now));
  return csrf;
}

/** Whether `csrf` is the token this link's form was shown with, to this very session. */
export function entryCsrfValid(rec: SecretEntryRecord, sessionId: string, csrf: string): boolean {
  if (!rec.csrf || !csrf || rec.csrf.sessionId !== sessionId) return false;
  return timingSafeEqualStr(hashSecret(csrf), rec.csrf.hash);
}

/** Single use: of concurrent submissions exactly one gets the record. */
export async function takeSecretEntry(store: RecordStore, key: string, now: number) {
  const rec = await store.take('secretEntry', key);
  return rec && rec.expiresAt > now ? rec : undefined;
}

/** Puts a taken link back (OSC failed to store the value), for what is left of its lifetime. */
export async function restoreSecretEntry(store: RecordStore, key: string, rec: SecretEntryRecord, now: number) {
  if (rec.expiresAt > now) await store.put('secretEntry', key, rec, remainingS(rec, now));
}

/**
 * The port set_secret and create_database get (ToolContext.secretEntry in src/mcp/tool.ts) for
 * one grant: the grant is read once per link, so a link always names the grant's current OSC user.
 */
export function secretEntryPort(
  deps: { store: RecordStore; publicUrl: string; ttlS: number; viewTtlS?: number; now: () => number },
  grantId: string,
) {
  const owner = async (): Promise<EntryOwner> => {
    const grant = await deps.store.get('grant', grantId);
    if (!grant) throw new GrantRevokedError('the grant ended before the link was made');
    return { grantId, clientId: grant.clientId, tenantId: grant.tenantId, userId: grant.userId };
  };
  return {
    async open(target: { serviceId: string; secretName: string }) {
      const opened = await openSecretEntry(deps.store, await owner(), target, { ttlS: deps.ttlS, now: deps.now() });
      return { url: secretEntryUrl(deps.publicUrl, opened.id), expiresAt: opened.expiresAt, ttlS: deps.ttlS };
    },
    async openConnectionView(view: DatabaseView) {
      const ttlS = deps.viewTtlS ?? deps.ttlS;
      const opened = await openConnectionView(deps.store, await owner(), view, { ttlS, now: deps.now() });
      return { url: connectionViewUrl(deps.publicUrl, opened.id), expiresAt: opened.expiresAt };
    },
  };
}
