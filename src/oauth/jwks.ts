/**
 * Public keys of `private_key_jwt` clients (RFC 7523 §2.2, RFC 7591 §2 `jwks` / `jwks_uri`).
 * A `jwks_uri` is fetched through the same SSRF-safe fetcher as metadata documents
 * (./safe-fetch.ts) and cached within bounds; an unknown `kid` refetches at most once a
 * minute per URI, so a client rotating its keys is followed and nobody can make us hammer
 * a key server.
 */
import type { JSONWebKeySet } from 'jose';
import type { ClientRecord } from '../storage/records.js';
import { BoundedCache, SafeFetchError, type SafeFetcher } from './safe-fetch.js';
import { jwksProblem } from './client-metadata.js';

const MAX_BYTES = 32 * 1024;
const CACHE_ENTRIES = 500;
/** Keys are cached at most this long whatever the key server says. */
const MAX_CACHE_MS = 3600_000;
/** The earliest a cached key set may be refetched because a `kid` was unknown. */
const REFETCH_AFTER_MS = 60_000;

/** A key set this server cannot obtain or use; the message is safe to log and to show. */
export class JwksError extends Error {
  override readonly name = 'JwksError';
}

export interface JwksSource {
  /** The client's public keys; `fresh` asks for a refetch (honoured at most once a minute per URI). */
  keysFor(client: Pick<ClientRecord, 'jwks' | 'jwksUri'>, fresh?: boolean): Promise<JSONWebKeySet>;
}

export function createJwksSource(deps: { fetcher: SafeFetcher; now?: () => number }): JwksSource {
  const now = deps.now ?? Date.now;
  const cache = new BoundedCache<{ keys: JSONWebKeySet; fetchedAt: number }>(CACHE_ENTRIES, now);

  const fetchKeys = async (uri: string): Promise<JSONWebKeySet> => {
    let body: string;
    let maxAgeS: number;
    try {
      const url = deps.fetcher.check(uri, 'jwks_uri');
      ({ body, maxAgeS } = await deps.fetcher.fetchJson(url, 'client key set (jwks_uri)', MAX_BYTES));
    } catch (err) {
      if (err instanceof SafeFetchError) throw new JwksError(err.message);
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new JwksError('the client key set (jwks_uri) is not JSON');
    }
    const problem = jwksProblem(json);
    if (problem) throw new JwksError(`the client key set (jwks_uri) is unusable: ${problem}`);
    const keys = json as JSONWebKeySet;
    cache.set(uri, { keys, fetchedAt: now() }, Math.min(MAX_CACHE_MS, maxAgeS * 1000));
    return keys;
  };

  return {
    async keysFor(client, fresh = false) {
      if (client.jwks) return client.jwks as unknown as JSONWebKeySet;
      if (!client.jwksUri) throw new JwksError('the client has no keys (jwks_uri or jwks)');
      const hit = cache.get(client.jwksUri);
      if (hit && !(fresh && now() - hit.fetchedAt >= REFETCH_AFTER_MS)) return hit.keys;
      return fetchKeys(client.jwksUri);
    },
  };
}
