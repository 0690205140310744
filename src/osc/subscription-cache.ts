/**
 * The workspace's subscription list (`GET /mysubscriptions`, src/emulator/README.md), cached in
 * process per grant for a short time. OSC gives a service's API host and option schema
 * nowhere else, so without it every instance call costs a second round trip (issue 18).
 *
 * Why a short TTL is safe: the list changes when the user subscribes or unsubscribes.
 * Our own subscribe drops the entry (OscSession.invalidate); a service missing from a
 * cached list is read again before "not subscribed" is answered (sdk-platform.ts), so a
 * subscription made in the OSC console shows at once. What can be stale for at most the
 * TTL: a service unsubscribed elsewhere (its calls then fail at OSC, as they would a
 * moment later anyway) and a catalog edit of options or API host (create_instance checks
 * options against a schema at most a TTL old; OSC still validates the create). Bounded like
 * the SAT cache (REDIS-08).
 */
import type { ServiceRecord } from './upstream-schemas.js';

export interface SubscriptionCacheOptions {
  /** How long a list is served (default 30 s). */
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  records: ServiceRecord[];
  until: number;
}

export class SubscriptionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor({ ttlMs = 30_000, maxEntries = 10_000, now = Date.now }: SubscriptionCacheOptions = {}) {
    if (!(maxEntries > 0) || !(ttlMs >= 0)) throw new TypeError('SubscriptionCache needs maxEntries > 0 and ttlMs ≥ 0');
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
    this.now = now;
  }

  get(grantId: string): ServiceRecord[] | undefined {
    const e = this.entries.get(grantId);
    if (!e) return undefined;
    if (this.now() >= e.until) {
      this.entries.delete(grantId);
      return undefined;
    }
    return e.records;
  }

  set(grantId: string, records: ServiceRecord[]): void {
    if (this.ttlMs === 0) return;
    this.entries.delete(grantId);
    this.entries.set(grantId, { records, until: this.now() + this.ttlMs });
    // Insertion order: the oldest write goes first.
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(grantId: string): void {
    this.entries.delete(grantId);
  }
}
