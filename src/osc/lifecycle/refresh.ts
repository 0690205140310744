/**
 * Refreshing a grant's OSC token, single flight per grant (docs/architecture.md, "Token lifecycle", UPSTREAM-03):
 * in process a promise map; across replicas a store lock plus a fencing version — the
 * write is a compare-and-set on the grant's `version`, so a replica whose lock expired
 * cannot overwrite newer tokens. Losers wait for the version to change and re-read.
 *
 * OSC `invalid_grant` (or `invalid_client` for a client that is gone) → the grant is dead
 * and revoked; OSC 5xx or a timeout → the stored tokens are kept and the caller gets
 * UpstreamUnavailableError (503).
 */
import type { Logger } from 'pino';
import { DEFAULTS } from '../../defaults.js';
import type { GrantStore, LockStore, RecordStore } from '../../storage/store.js';
import type { Sealer } from '../../storage/seal.js';
import type { GrantRecord } from '../../storage/records.js';
import { openOscTokens, refreshMarginMs, sealOscTokens } from './tokens.js';
import type { OscOAuthClient } from '../oauth-client.js';
import type { OscClientProvider } from './client-registration.js';
import {
  GrantRevokedError,
  UpstreamUnavailableError,
  OscInvalidClientError,
  OscInvalidGrantError,
} from '../../errors.js';

export interface UpstreamRefresherOptions {
  store: RecordStore & GrantStore & LockStore;
  sealer: Sealer;
  oauth: OscOAuthClient;
  clients: OscClientProvider;
  log: Logger;
  /** TTL of a grant record on write (our refresh-token lifetime). */
  grantTtlS: number;
  /** Lock lifetime: a replica killed while holding it delays others by at most this (REDIS-09). */
  lockTtlMs?: number;
  /** How often a waiter looks again. */
  pollMs?: number;
  /** A waiter gives up (503) after the lock TTL plus this. */
  waitMarginMs?: number;
  now?: () => number;
  /** Grants whose opened access token is remembered in this process (src/defaults.ts `openedTokenEntries`). */
  openedEntries?: number;
}

/** What the caller wants: a token valid beyond the margin, or a token other than one OSC rejected. */
type Need = { kind: 'fresh' } | { kind: 'replace'; rejected: string };

export interface UpstreamRefresher {
  /** The grant with an OSC access token valid beyond the refresh margin. */
  ensureFresh(grant: GrantRecord): Promise<{ grant: GrantRecord; accessToken: string }>;
  /** OSC answered 401 to `rejected`: refresh unless someone already replaced it. */
  replace(grantId: string, rejected: string): Promise<{ grant: GrantRecord; accessToken: string }>;
  /** The grant is dead: revoke it and everything issued under it. */
  revoke(grantId: string, reason: string): Promise<void>;
}

export function createUpstreamRefresher(opts: UpstreamRefresherOptions): UpstreamRefresher {
  const { store, sealer, oauth, clients, log, grantTtlS } = opts;
  const now = opts.now ?? Date.now;
  const lockTtlMs = opts.lockTtlMs ?? DEFAULTS.refreshLockTtlMs;
  const pollMs = opts.pollMs ?? DEFAULTS.refreshPollMs;
  const waitLimitMs = lockTtlMs + (opts.waitMarginMs ?? DEFAULTS.refreshWaitMarginMs);
  const flights = new Map<string, Promise<GrantRecord>>();

  /**
   * Opened access tokens by grant id, with the exact blob they came from: every request of a
   * grant reads the same sealed pair until a refresh replaces it, so it is opened once per
   * blob instead of once per request (AES-GCM and inflate, about 15 µs; issue 18). Any other
   * blob for the grant (refreshed, re-sealed, tampered) is opened again, exactly as before.
   * Oldest first, at most `openedEntries`; a revoked grant's entry goes at once.
   */
  const opened = new Map<string, { sealed: string; accessToken: string }>();
  const maxOpened = opts.openedEntries ?? DEFAULTS.openedTokenEntries;
  const withToken = (grant: GrantRecord) => {
    const hit = opened.get(grant.id);
    if (hit?.sealed === grant.oscSealed) return { grant, accessToken: hit.accessToken };
    const accessToken = openOscTokens(sealer, grant).accessToken;
    opened.delete(grant.id);
    if (opened.size >= maxOpened) opened.delete(opened.keys().next().value as string);
    opened.set(grant.id, { sealed: grant.oscSealed, accessToken });
    return { grant, accessToken };
  };

  const satisfied = (grant: GrantRecord, need: Need): boolean => {
    if (need.kind === 'replace') return withToken(grant).accessToken !== need.rejected;
    return grant.oscExpiresAt - now() > refreshMarginMs(grant);
  };

  const load = async (grantId: string): Promise<GrantRecord> => {
    const grant = await store.get('grant', grantId);
    if (!grant) throw new GrantRevokedError();
    return grant;
  };

  const kill = async (grant: GrantRecord, why: string): Promise<never> => {
    opened.delete(grant.id);
    log.warn({ event: 'grant_revoked', grantId: grant.id, reason: why }, 'OSC authorization is dead; grant revoked');
    await store.revokeGrant(grant.id);
    throw new GrantRevokedError();
  };

  /** Calls OSC and stores the new pair with compare-and-set. Runs only while holding the lock. */
  const refreshHeld = async (start: GrantRecord): Promise<GrantRecord> => {
    const pair = openOscTokens(sealer, start);
    const client = await clients.byId(start.oscClientId);
    if (!client) return kill(start, 'osc_client_gone');
    if (!pair.refreshToken) return kill(start, 'no_refresh_token');
    let fresh: Awaited<ReturnType<typeof oauth.refresh>>;
    try {
      fresh = await oauth.refresh({ client, refreshToken: pair.refreshToken });
    } catch (err) {
      if (err instanceof OscInvalidGrantError) {
        // Fencing also guards the kill: if our lock expired and another replica rotated the
        // OSC tokens meanwhile, OSC refused our stale refresh token, not the user (UPSTREAM-05).
        const latest = await load(start.id);
        if (latest.oscSealed !== start.oscSealed) return latest;
        return kill(start, 'osc_invalid_grant');
      }
      if (err instanceof OscInvalidClientError) return kill(start, 'osc_invalid_client');
      throw err instanceof UpstreamUnavailableError
        ? err
        : new UpstreamUnavailableError('OSC refresh failed', { cause: err });
    }
    const oscSealed = sealOscTokens(sealer, start.id, {
      accessToken: fresh.accessToken,
      // OSC rotates; if it ever does not, the old refresh token stays usable (src/emulator/README.md).
      refreshToken: fresh.refreshToken ?? pair.refreshToken,
    });
    // Other writes (our own refresh-token rotation) may bump the version meanwhile: merge onto
    // them. But if the OSC tokens changed under us, another holder won and we must not overwrite.
    let base = start;
    for (;;) {
      const next: GrantRecord = {
        ...base,
        version: base.version + 1,
        oscSealed,
        oscExpiresAt: now() + fresh.expiresIn * 1000,
        oscLifetimeMs: fresh.expiresIn * 1000,
      };
      if (await store.casGrant(next, base.version, grantTtlS)) {
        log.info({ event: 'osc_refreshed', grantId: start.id, version: next.version }, 'OSC token refreshed');
        return next;
      }
      base = await load(start.id);
      if (base.oscSealed !== start.oscSealed) {
        log.warn({ event: 'osc_refresh_fenced', grantId: start.id }, 'a newer OSC token was stored; ours is discarded');
        return base;
      }
    }
  };

  const run = async (grantId: string, need: Need): Promise<GrantRecord> => {
    const deadline = Date.now() + waitLimitMs;
    let seenVersion = -1;
    for (;;) {
      const grant = await load(grantId);
      if (satisfied(grant, need)) return grant;
      const owner = await store.acquireLock(`refresh:${grantId}`, lockTtlMs);
      if (owner) {
        try {
          const current = await load(grantId);
          return satisfied(current, need) ? current : await refreshHeld(current);
        } finally {
          await store.releaseLock(`refresh:${grantId}`, owner).catch(() => undefined);
        }
      }
      if (grant.version !== seenVersion && seenVersion !== -1) continue;
      seenVersion = grant.version;
      if (Date.now() > deadline) throw new UpstreamUnavailableError('timed out waiting for another refresh');
      await new Promise((r) => setTimeout(r, pollMs));
    }
  };

  const flight = (grantId: string, need: Need): Promise<GrantRecord> => {
    const key = need.kind === 'fresh' ? `${grantId}:fresh` : `${grantId}:replace`;
    let p = flights.get(key);
    if (!p) {
      p = run(grantId, need).finally(() => flights.delete(key));
      flights.set(key, p);
    }
    return p;
  };

  /** After a key rotation (SEAL_KEYS = [new, old]) a grant is re-sealed with the new key on first use (SECRETS-05). */
  const reseal = async (grant: GrantRecord): Promise<GrantRecord> => {
    const next: GrantRecord = {
      ...grant,
      version: grant.version + 1,
      oscSealed: sealOscTokens(sealer, grant.id, openOscTokens(sealer, grant)),
    };
    if (await store.casGrant(next, grant.version, grantTtlS)) return next;
    return load(grant.id);
  };

  /** A tampered grant is removed with everything issued under it (SECRETS-05). */
  const dropTampered = async <T>(grantId: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof GrantRevokedError && err.tampered) {
        opened.delete(grantId);
        log.warn(
          { event: 'grant_revoked', grantId, reason: 'sealed_tokens_tampered' },
          'stored OSC tokens failed authentication; grant revoked',
        );
        await store.revokeGrant(grantId);
      }
      throw err;
    }
  };

  return {
    ensureFresh(grant) {
      return dropTampered(grant.id, async () => {
        let g = grant;
        if (sealer.needsReseal(g.oscSealed)) g = await reseal(g);
        if (satisfied(g, { kind: 'fresh' })) return withToken(g);
        return withToken(await flight(g.id, { kind: 'fresh' }));
      });
    },
    replace(grantId, rejected) {
      return dropTampered(grantId, async () => withToken(await flight(grantId, { kind: 'replace', rejected })));
    },
    async revoke(grantId, reason) {
      opened.delete(grantId);
      log.warn({ event: 'grant_revoked', grantId, reason }, 'OSC authorization is dead; grant revoked');
      await store.revokeGrant(grantId);
    },
  };
}
