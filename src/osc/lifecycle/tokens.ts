/**
 * The OSC token pair as it lives on a grant: sealed with AES-256-GCM, the grant id as
 * associated data (docs/architecture.md, "Storage"), so a blob copied onto another grant does not open.
 */
import type { Sealer } from '../../storage/seal.js';
import type { GrantRecord } from '../../storage/records.js';
import { SealError, GrantRevokedError } from '../../errors.js';

export interface OscTokenPair {
  accessToken: string;
  refreshToken?: string;
}

export function sealOscTokens(sealer: Sealer, grantId: string, pair: OscTokenPair): string {
  return sealer.seal(JSON.stringify(pair), `grant:${grantId}`);
}

/**
 * Opens a grant's OSC tokens. A blob that no key of the ring opens makes the grant
 * unusable: the user re-authorizes (SECRETS-05), never a 500. A key missing from the ring
 * may come back (an operator's mistake), so only a blob that fails authentication — tampered
 * or corrupt — marks the grant for removal.
 */
export function openOscTokens(sealer: Sealer, grant: GrantRecord): OscTokenPair {
  try {
    return JSON.parse(sealer.open(grant.oscSealed, `grant:${grant.id}`)) as OscTokenPair;
  } catch (err) {
    if (err instanceof SealError)
      throw new GrantRevokedError('the stored OSC authorization cannot be opened', {
        tampered: err.reason !== 'unknown-key',
      });
    if (err instanceof SyntaxError)
      throw new GrantRevokedError('the stored OSC authorization cannot be opened', { tampered: true });
    throw err;
  }
}

/**
 * How long before expiry the OSC token is refreshed: the smaller of 120 s and half its
 * lifetime, so a token that lives 8 s is not refreshed on every call (docs/architecture.md, "Token lifecycle").
 */
export function refreshMarginMs(grant: Pick<GrantRecord, 'oscLifetimeMs'>): number {
  return Math.min(120_000, Math.floor(grant.oscLifetimeMs / 2));
}

/** Reads the claims of OSC's JWT-shaped PAT without verifying it (we cannot; src/emulator/README.md). */
export function patClaims(pat: string): { tenantId?: string; userId?: string; exp?: number } {
  const part = pat.split('.')[1];
  if (!part) return {};
  try {
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    return {
      tenantId: typeof claims.tenantId === 'string' ? claims.tenantId : undefined,
      userId: typeof claims.userId === 'string' ? claims.userId : undefined,
      exp: typeof claims.exp === 'number' ? claims.exp : undefined,
    };
  } catch {
    return {};
  }
}
