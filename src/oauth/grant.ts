/**
 * Creating a grant once OSC signed the user in (docs/architecture.md, "Token lifecycle"):
 * the OSC tokens sealed on a new grant (grant id as associated data), and our single-use
 * authorization code for the client (OAuth 2.1 §4.1.2). Until the code is redeemed the
 * grant lives only as long as a pending authorization; /token extends it.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULTS } from '../defaults.js';
import type { OscTokens } from '../osc/oauth-client.js';
import { sealOscTokens } from '../osc/lifecycle/tokens.js';
import { hashSecret, randomToken } from '../storage/hash.js';
import type { CodeRecord, GrantRecord, UpstreamAuthorization } from '../storage/records.js';
import type { Sealer } from '../storage/seal.js';
import type { RecordStore } from '../storage/store.js';

export interface GrantDeps {
  store: RecordStore;
  sealer: Sealer;
  /** Lifetime of the grant until its code is redeemed (default: the pending TTL). */
  pendingTtlS?: number;
  /** Lifetime of our code (default 60 s, OAUTH-25). */
  codeTtlS?: number;
}

/** Stores a new grant and our code for it; returns both (the code in clear, once). */
export async function createGrant(
  deps: GrantDeps,
  request: Pick<
    UpstreamAuthorization,
    'clientId' | 'scopes' | 'resource' | 'redirectUri' | 'codeChallenge' | 'oscClientId'
  >,
  tokens: OscTokens,
  user: { tenantId: string; userId: string },
  now: number,
): Promise<{ grant: GrantRecord; code: string }> {
  const grantId = randomBytes(18).toString('base64url');
  const grant: GrantRecord = {
    id: grantId,
    version: 1,
    clientId: request.clientId,
    scopes: request.scopes,
    resource: request.resource,
    tenantId: user.tenantId,
    userId: user.userId,
    createdAt: now,
    oscSealed: sealOscTokens(deps.sealer, grantId, {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
    }),
    oscExpiresAt: now + tokens.expiresIn * 1000,
    oscLifetimeMs: tokens.expiresIn * 1000,
    oscClientId: request.oscClientId,
  };
  const code = randomToken('oscm_code_');
  const codeRec: CodeRecord = {
    grantId,
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    resource: request.resource,
    scopes: request.scopes,
    createdAt: now,
  };
  await deps.store.put('grant', grantId, grant, deps.pendingTtlS ?? DEFAULTS.pendingTtlS);
  await deps.store.put('code', hashSecret(code), codeRec, deps.codeTtlS ?? DEFAULTS.codeTtlS);
  return { grant, code };
}
