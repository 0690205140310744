/**
 * Minting our token pair (OAuth 2.1 §3.2.3, §7.7): opaque, prefixed so they are
 * recognisable in a leak scan, ≥ 256 random bits, stored only as SHA-256 hashes.
 */
import type { TokenStore } from '../storage/store.js';
import type { GrantRecord } from '../storage/records.js';
import { hashSecret, randomToken } from '../storage/hash.js';

export interface Lifetimes {
  accessTokenTtlS: number;
  refreshTokenTtlS: number;
}

export interface IssuedPair {
  accessToken: string;
  refreshToken: string;
  refreshHash: string;
}

/** Fresh secrets; nothing is stored until `storePair`. */
export function newPair(): IssuedPair {
  const refreshToken = randomToken('oscm_rt_');
  return { accessToken: randomToken('oscm_at_'), refreshToken, refreshHash: hashSecret(refreshToken) };
}

export async function storePair(store: TokenStore, grant: GrantRecord, pair: IssuedPair, scopes: string[], ttl: Lifetimes, now: number): Promise<void> {
  await store.put(
    'access',
    hashSecret(pair.accessToken),
    { grantId: grant.id, clientId: grant.clientId, scopes, resource: grant.resource, expiresAt: now + ttl.accessTokenTtlS * 1000 },
    ttl.accessTokenTtlS,
  );
  await store.put('refresh', pair.refreshHash, { grantId: grant.id, clientId: grant.clientId }, ttl.refreshTokenTtlS);
}

export function tokenResponse(pair: IssuedPair, scopes: string[], ttl: Lifetimes): Record<string, unknown> {
  return {
    access_token: pair.accessToken,
    token_type: 'Bearer',
    expires_in: ttl.accessTokenTtlS,
    refresh_token: pair.refreshToken,
    scope: scopes.join(' '),
  };
}
