/**
 * Service Access Tokens cached in process per (grant, service) (docs/architecture.md, "Token lifecycle"; src/emulator/README.md
 * E.4): OSC SATs live 1 h and DOC-SAT advises re-exchanging a little early or lazily on
 * a 401. Never persisted, never logged. Bounded: least recently used entries go first,
 * so memory stays flat however many grants pass through (REDIS-08).
 *
 * Concurrent misses for one key share a single mint, so a burst of tool calls does not
 * become a burst of token exchanges (OSC rate-limits them per PAT, src/emulator/README.md).
 */
export interface MintedSat {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface SatCacheOptions {
  maxEntries?: number;
  /** Renew this long before expiry at most (default 5 min); at most half the lifetime. */
  marginMs?: number;
  now?: () => number;
}

interface Entry {
  token: string;
  /** After this instant the entry is not served. */
  renewAt: number;
}

export class SatCache {
  private readonly entries = new Map<string, Entry>();
  private readonly flights = new Map<string, Promise<string>>();
  private readonly maxEntries: number;
  private readonly marginMs: number;
  private readonly now: () => number;

  constructor({ maxEntries = 10_000, marginMs = 5 * 60_000, now = Date.now }: SatCacheOptions = {}) {
    if (!(maxEntries > 0)) throw new TypeError('SatCache maxEntries must be positive');
    this.maxEntries = maxEntries;
    this.marginMs = marginMs;
    this.now = now;
  }

  get size(): number {
    return this.entries.size;
  }

  get(grantId: string, serviceId: string): string | undefined {
    const key = keyOf(grantId, serviceId);
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (this.now() >= e.renewAt) {
      this.entries.delete(key);
      return undefined;
    }
    // Map order is the LRU order: re-insert on use.
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.token;
  }

  set(grantId: string, serviceId: string, sat: MintedSat): void {
    const now = this.now();
    const lifetime = sat.expiresAt - now;
    if (lifetime <= 0) return;
    const key = keyOf(grantId, serviceId);
    this.entries.delete(key);
    this.entries.set(key, { token: sat.token, renewAt: sat.expiresAt - Math.min(this.marginMs, lifetime / 2) });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** OSC answered 401 to this SAT: forget it. */
  delete(grantId: string, serviceId: string): void {
    this.entries.delete(keyOf(grantId, serviceId));
  }

  /** The cached SAT, or one minted by `mint` (shared by concurrent callers for the key). */
  async getOrMint(grantId: string, serviceId: string, mint: () => Promise<MintedSat>): Promise<string> {
    const hit = this.get(grantId, serviceId);
    if (hit) return hit;
    const key = keyOf(grantId, serviceId);
    const inFlight = this.flights.get(key);
    if (inFlight) return inFlight;
    const flight = mint()
      .then((sat) => {
        this.set(grantId, serviceId, sat);
        return sat.token;
      })
      .finally(() => this.flights.delete(key));
    this.flights.set(key, flight);
    return flight;
  }
}

function keyOf(grantId: string, serviceId: string): string {
  return `${grantId}\n${serviceId}`;
}

/** The process's cache (one per process; the app builds it once). */
export function createSatCache(opts?: SatCacheOptions): SatCache {
  return new SatCache(opts);
}
