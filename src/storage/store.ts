/**
 * The storage port. Two adapters implement it (memory, Redis) and both pass one contract per
 * narrow port (test/support/record-store-contract.ts, grant-store-contract.ts,
 * user-index-contract.ts, lock-store-contract.ts; token-store-contract.ts runs them with the
 * whole port's scan and ping), so the memory store is a faithful stand-in.
 *
 * Rules (docs/architecture.md, "Storage"): every record has a TTL; single-use items are consumed atomically;
 * a grant's writes are compare-and-set on its `version`; revoking a grant removes every
 * record that names it in a `grantId` field.
 */
import type { GrantRecord, Kind, Records } from './records.js';

/** Records by kind and id, each with a TTL; `take` is the atomic single use. */
export interface RecordStore {
  /** Writes a record. `ttlSeconds` is required and > 0: nothing lives forever. */
  put<K extends Kind>(kind: K, id: string, value: Records[K], ttlSeconds: number): Promise<void>;
  /** Writes only if no record exists under that id. Returns whether it wrote. */
  putIfAbsent<K extends Kind>(kind: K, id: string, value: Records[K], ttlSeconds: number): Promise<boolean>;
  get<K extends Kind>(kind: K, id: string): Promise<Records[K] | undefined>;
  /** Atomic read-and-delete: of N concurrent callers exactly one gets the record. */
  take<K extends Kind>(kind: K, id: string): Promise<Records[K] | undefined>;
  delete(kind: Kind, id: string): Promise<void>;
}

/** A grant's versioned writes and its revocation cascade. */
export interface GrantStore {
  /**
   * Replaces a grant only if its stored `version` equals `expectedVersion`; the written
   * record must carry `expectedVersion + 1`. Returns false (and writes nothing) otherwise,
   * including when the grant no longer exists.
   *
   * When `next.access` is set and differs from the stored grant's `access` (a refresh-token
   * rotation), every access record naming the grant other than those two (the new current and
   * the previous, for calls in flight) is deleted by the same operation (docs/storage.md, "Access
   * tokens per grant"). A stored grant without `access` (written before it existed) prunes nothing.
   */
  casGrant(next: GrantRecord, expectedVersion: number, ttlSeconds: number): Promise<boolean>;
  /** Deletes the grant and every record whose value has `grantId` equal to it. */
  revokeGrant(grantId: string): Promise<void>;
}

/** Which grants belong to a user, for /connections. */
export interface UserIndex {
  /**
   * Notes that `grantId` belongs to a user (`userKey`), for at least `ttlSeconds`, so the
   * user can list and revoke their connections. Calling it again extends the link.
   */
  linkUserGrant(userKey: string, grantId: string, ttlSeconds: number): Promise<void>;
  /** Ids of the user's linked grants that still exist. */
  userGrants(userKey: string): Promise<string[]>;
}

/** Short locks for cross-replica single flight. */
export interface LockStore {
  /**
   * A short lock (SET NX PX). Returns an owner token, or undefined when someone holds it.
   * Used for cross-replica single-flight of OSC refreshes.
   */
  acquireLock(name: string, ttlMs: number): Promise<string | undefined>;
  /** Releases the lock only if `owner` still holds it (compare-and-delete). */
  releaseLock(name: string, owner: string): Promise<void>;
}

/**
 * The whole port, as the adapters implement it. Consumers name the narrow part they use
 * (RecordStore, GrantStore, UserIndex, LockStore), so what a module may do to the store is
 * visible in its signature.
 */
export interface TokenStore extends RecordStore, GrantStore, UserIndex, LockStore {
  /**
   * Every live record of one kind, in batches, in no particular order; a record written or
   * deleted while the scan runs may or may not appear. For operator commands (src/admin),
   * never on a request path: its cost grows with the store.
   */
  scan<K extends Kind>(kind: K): AsyncIterable<Array<[id: string, value: Records[K]]>>;
  /** Resolves when the backend answers; rejects with StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
