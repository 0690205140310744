/**
 * Minting our token pair (OAuth 2.1 §3.2.3, §7.7): opaque, prefixed so they are
 * recognisable in a leak scan, ≥ 256 random bits, stored only as SHA-256 hashes.
 *
 * Refresh tokens of one grant form a family (OAuth 2.0 Security BCP §4.14.2): each is
 * `oscm_rt_` + the family (22 chars, 128 random bits, fixed for the grant) + 43 chars of
 * fresh randomness. The store keeps ONE `refresh:` record per grant, keyed by the hash of
 * the family, and the grant keeps the hashes of the current and previous token. Any other
 * token of the family is a rotated one: its reuse revokes the grant, however old, and the
 * grant's footprint does not grow with its refreshes (issue 18; docs/storage.md). Only a
 * holder of a token of the family knows the family, so nobody else can trigger the revocation.
 *
 * A refresh's successor pair is not random but derived from the presented token under the
 * server's keys (`successorPair`, REFRESH-01): every request presenting the same token within
 * its grace gets the same pair, whichever replica answers, and nothing more is stored for it.
 * Without the keys nobody can compute a successor from a token, so a leaked token still has to
 * be presented, where rotation catches its reuse.
 */
import { randomBytes } from 'node:crypto';
import type { RecordStore } from '../storage/store.js';
import type { GrantRecord } from '../storage/records.js';
import { hashSecret, randomToken } from '../storage/hash.js';

const RT_PREFIX = 'oscm_rt_';
const FAMILY_RE = /^oscm_rt_([A-Za-z0-9_-]{22})[A-Za-z0-9_-]{43}$/;

/** The family part of a refresh token; undefined for a token of another shape (issued before families). */
export function familyOf(refreshToken: string): string | undefined {
  return FAMILY_RE.exec(refreshToken)?.[1];
}

/** Id of the `refresh:` record a refresh token is looked up by: its family's hash (or its own, for an older token). */
export function refreshKeyOf(refreshToken: string): string {
  return hashSecret(familyOf(refreshToken) ?? refreshToken);
}

export interface Lifetimes {
  accessTokenTtlS: number;
  refreshTokenTtlS: number;
}

export interface IssuedPair {
  accessToken: string;
  refreshToken: string;
  refreshHash: string;
  /** Id of the family's `refresh:` record. */
  refreshKey: string;
}

/** Fresh secrets in `family` (a new family when absent); nothing is stored until `storePair`. */
export function newPair(family: string = randomBytes(16).toString('base64url')): IssuedPair {
  const refreshToken = randomToken(RT_PREFIX + family);
  return {
    accessToken: randomToken('oscm_at_'),
    refreshToken,
    refreshHash: hashSecret(refreshToken),
    refreshKey: hashSecret(family),
  };
}

/** The keyed MACs behind derived successors: `Sealer.macs` (src/storage/seal.ts). */
export interface TokenDeriver {
  macs(input: string): string[];
}

/**
 * The successor refresh token of `presented` under each key of the ring (the sealing key's
 * first): the same family (a token from before families starts one, derived too), and a
 * derived 43-character tail.
 */
export function successorRefreshTokens(deriver: TokenDeriver, presented: string): string[] {
  const tails = deriver.macs(`refresh\0${presented}`);
  const families = familyOf(presented) === undefined ? deriver.macs(`family\0${presented}`) : undefined;
  return tails.map((tail, i) => RT_PREFIX + (familyOf(presented) ?? families![i]!.slice(0, 22)) + tail);
}

/**
 * The pair a refresh with `presented` answers, derived under key `index` of the ring: the
 * successor refresh token, and an access token that also depends on the scopes asked for,
 * so a retry asking for other scopes gets its own access token.
 */
export function successorPair(
  deriver: TokenDeriver,
  presented: string,
  scopes: readonly string[],
  index = 0,
): IssuedPair {
  const refreshToken = successorRefreshTokens(deriver, presented)[index]!;
  const accessToken = `oscm_at_${deriver.macs(`access\0${presented}\0${scopes.join(' ')}`)[index]!}`;
  return {
    accessToken,
    refreshToken,
    refreshHash: hashSecret(refreshToken),
    refreshKey: hashSecret(familyOf(refreshToken)!),
  };
}

export async function storePair(
  store: RecordStore,
  grant: GrantRecord,
  pair: IssuedPair,
  scopes: string[],
  ttl: Lifetimes,
  now: number,
): Promise<void> {
  await store.put(
    'access',
    hashSecret(pair.accessToken),
    {
      grantId: grant.id,
      clientId: grant.clientId,
      scopes,
      resource: grant.resource,
      expiresAt: now + ttl.accessTokenTtlS * 1000,
    },
    ttl.accessTokenTtlS,
  );
  // One record per family: each rotation renews it instead of adding one.
  await store.put('refresh', pair.refreshKey, { grantId: grant.id, clientId: grant.clientId }, ttl.refreshTokenTtlS);
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
