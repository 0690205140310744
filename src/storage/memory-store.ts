/**
 * The default TokenStore: one process, no dependency (docs/architecture.md, "Storage"). A restart signs every
 * user out, which main.ts says at boot.
 *
 * It mirrors the Redis adapter's semantics so the shared contracts, one per narrow port
 * (test/support/token-store-contract.ts runs them all, REDIS-01), hold for both:
 * - values are stored as JSON text, so callers get copies and exactly what Redis would return;
 * - every record has a TTL; expired entries are dropped lazily on read and by a periodic
 *   `unref`ed sweep, so memory stays bounded (REDIS-08);
 * - records whose value has a string `grantId` are indexed under that grant and removed by
 *   `revokeGrant` (the cascade), provided they still name that grant.
 * JavaScript runs each method body without interleaving, which gives `take`, `putIfAbsent`,
 * `casGrant` and locks the same atomicity as the Redis Lua scripts.
 */
import { randomBytes } from 'node:crypto';
import type { GrantRecord, Kind, Records } from './records.js';
import type { TokenStore } from './store.js';

interface Entry {
  json: string;
  expiresAt: number;
  grantId?: string;
}

export interface MemoryTokenStoreOptions {
  /** Clock in epoch ms; tests inject a fake one to expire records without waiting. */
  now?: () => number;
  /** Interval of the expiry sweep (default 60 s). 0 disables it (tests call `sweep`). */
  sweepIntervalMs?: number;
}

/** Checks the port's "nothing lives forever" rule; a bad TTL is a programming error. */
export function ttlMs(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new RangeError('ttlSeconds must be a positive number');
  return Math.max(1, Math.ceil(ttlSeconds * 1000));
}

/** The grant a record belongs to, if its value names one (the revokeGrant cascade rule). */
export function grantIdOf(value: unknown): string | undefined {
  const g = (value as { grantId?: unknown } | null)?.grantId;
  return typeof g === 'string' ? g : undefined;
}

/**
 * The access records a grant write keeps (`casGrant`, src/storage/store.ts): when the newest
 * access token changes, that one and the one it replaces; undefined when nothing is pruned.
 */
export function accessToKeep(stored: GrantRecord, next: GrantRecord): Set<string> | undefined {
  if (next.access === undefined || stored.access === undefined || next.access === stored.access) return undefined;
  return new Set([`access:${next.access}`, `access:${stored.access}`]);
}

/** In-process TokenStore with TTLs, an injectable clock and a bounded footprint. */
export class MemoryTokenStore implements TokenStore {
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();
  private readonly grantIndex = new Map<string, Set<string>>();
  private readonly locks = new Map<string, { owner: string; expiresAt: number }>();
  private readonly userIndex = new Map<string, Map<string, number>>();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(opts: MemoryTokenStoreOptions = {}) {
    this.now = opts.now ?? Date.now;
    const every = opts.sweepIntervalMs ?? 60_000;
    if (every > 0) {
      this.timer = setInterval(() => this.sweep(), every);
      // The sweep must never keep the process (or a test run) alive.
      this.timer.unref();
    }
  }

  /** Drops every expired record, index entry and lock. Runs periodically; public for tests. */
  sweep(): void {
    const now = this.now();
    for (const [key, e] of this.entries) if (e.expiresAt <= now) this.remove(key);
    for (const [name, l] of this.locks) if (l.expiresAt <= now) this.locks.delete(name);
    for (const [user, grants] of this.userIndex) {
      for (const [id, until] of grants) if (until <= now) grants.delete(id);
      if (grants.size === 0) this.userIndex.delete(user);
    }
  }

  /** Number of live and not-yet-swept records (for tests of boundedness). */
  get size(): number {
    return this.entries.size;
  }

  async put<K extends Kind>(kind: K, id: string, value: Records[K], ttlSeconds: number): Promise<void> {
    this.write(`${kind}:${id}`, value, ttlMs(ttlSeconds));
  }

  async putIfAbsent<K extends Kind>(kind: K, id: string, value: Records[K], ttlSeconds: number): Promise<boolean> {
    const ms = ttlMs(ttlSeconds);
    const key = `${kind}:${id}`;
    if (this.live(key)) return false;
    this.write(key, value, ms);
    return true;
  }

  async get<K extends Kind>(kind: K, id: string): Promise<Records[K] | undefined> {
    const e = this.live(`${kind}:${id}`);
    return e ? (JSON.parse(e.json) as Records[K]) : undefined;
  }

  async take<K extends Kind>(kind: K, id: string): Promise<Records[K] | undefined> {
    const key = `${kind}:${id}`;
    const e = this.live(key);
    if (!e) return undefined;
    this.remove(key);
    return JSON.parse(e.json) as Records[K];
  }

  async delete(kind: Kind, id: string): Promise<void> {
    this.remove(`${kind}:${id}`);
  }

  async casGrant(next: GrantRecord, expectedVersion: number, ttlSeconds: number): Promise<boolean> {
    const ms = ttlMs(ttlSeconds);
    if (next.version !== expectedVersion + 1) throw new RangeError('next.version must be expectedVersion + 1');
    const key = `grant:${next.id}`;
    const e = this.live(key);
    const stored = e && (JSON.parse(e.json) as GrantRecord);
    if (!stored || stored.version !== expectedVersion) return false;
    this.write(key, next, ms);
    const keep = accessToKeep(stored, next);
    if (keep) {
      for (const k of [...(this.grantIndex.get(next.id) ?? [])]) {
        if (k.startsWith('access:') && !keep.has(k) && this.entries.get(k)?.grantId === next.id) this.remove(k);
      }
    }
    return true;
  }

  async revokeGrant(grantId: string): Promise<void> {
    for (const key of [...(this.grantIndex.get(grantId) ?? [])]) {
      if (this.entries.get(key)?.grantId === grantId) this.remove(key);
    }
    this.grantIndex.delete(grantId);
    this.remove(`grant:${grantId}`);
  }

  async linkUserGrant(userKey: string, grantId: string, ttlSeconds: number): Promise<void> {
    const until = this.now() + ttlMs(ttlSeconds);
    const grants = this.userIndex.get(userKey) ?? new Map<string, number>();
    grants.set(grantId, Math.max(until, grants.get(grantId) ?? 0));
    this.userIndex.set(userKey, grants);
  }

  async userGrants(userKey: string): Promise<string[]> {
    const grants = this.userIndex.get(userKey);
    if (!grants) return [];
    const now = this.now();
    const live: string[] = [];
    for (const [id, until] of grants) {
      if (until > now && this.live(`grant:${id}`)) live.push(id);
      else grants.delete(id);
    }
    return live;
  }

  async acquireLock(name: string, ttlMsValue: number): Promise<string | undefined> {
    if (!Number.isFinite(ttlMsValue) || ttlMsValue <= 0) throw new RangeError('lock ttl must be positive');
    const held = this.locks.get(name);
    if (held && held.expiresAt > this.now()) return undefined;
    const owner = randomBytes(16).toString('base64url');
    this.locks.set(name, { owner, expiresAt: this.now() + Math.ceil(ttlMsValue) });
    return owner;
  }

  async releaseLock(name: string, owner: string): Promise<void> {
    if (this.locks.get(name)?.owner === owner) this.locks.delete(name);
  }

  async *scan<K extends Kind>(kind: K): AsyncIterable<Array<[string, Records[K]]>> {
    const prefix = `${kind}:`;
    const batch: Array<[string, Records[K]]> = [];
    for (const key of [...this.entries.keys()]) {
      if (!key.startsWith(prefix)) continue;
      const e = this.live(key);
      if (e) batch.push([key.slice(prefix.length), JSON.parse(e.json) as Records[K]]);
    }
    if (batch.length > 0) yield batch;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
  }

  /** The entry under `key` if it has not expired; drops it otherwise (lazy expiry). */
  private live(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e && e.expiresAt <= this.now()) {
      this.remove(key);
      return undefined;
    }
    return e;
  }

  private write(key: string, value: unknown, ms: number): void {
    this.remove(key);
    const grantId = grantIdOf(value);
    this.entries.set(key, { json: JSON.stringify(value), expiresAt: this.now() + ms, grantId });
    if (grantId !== undefined) {
      let set = this.grantIndex.get(grantId);
      if (!set) {
        set = new Set();
        this.grantIndex.set(grantId, set);
      }
      set.add(key);
    }
  }

  private remove(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    if (e.grantId === undefined) return;
    const set = this.grantIndex.get(e.grantId);
    set?.delete(key);
    if (set?.size === 0) this.grantIndex.delete(e.grantId);
  }
}
