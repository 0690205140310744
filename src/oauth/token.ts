/**
 * POST /token (OAuth 2.1 §3.2, §4.1.3, §4.3). Invalid redemptions (wrong verifier, client,
 * redirect URI or resource) neither consume the code nor revoke anything (OAUTH-22). A second
 * valid redemption revokes what the code issued. Refresh tokens rotate; the previous one
 * answers again, with the same successor pair, until the new one is first used, at most 60 s;
 * any other reuse revokes the grant (OAUTH-27…30, REFRESH-01..03). Scopes may narrow, never widen.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { TokenStore } from '../storage/store.js';
import { userKeyOf, type GrantRecord } from '../storage/records.js';
import { hashSecret } from '../storage/hash.js';
import type { ClientDirectory } from './clients.js';
import {
  InvalidGrantError,
  InvalidRequestError,
  InvalidScopeError,
  InvalidTargetError,
  OAuthError,
  UnauthorizedClientError,
  UnsupportedGrantTypeError,
  sendOAuthError,
} from './errors.js';
import { VERIFIER_RE, verifyS256 } from './pkce.js';
import { canonicalResource } from './resource.js';
import {
  familyOf,
  newPair,
  refreshKeyOf,
  storePair,
  successorPair,
  successorRefreshTokens,
  tokenResponse,
  type Lifetimes,
  type TokenDeriver,
} from './issue.js';
import { replaceSupersededGrants } from './grant-replacement.js';
import {
  addressKey,
  codeKey,
  credentialCharger,
  enforce,
  grantKey,
  isChargeableFailure,
  type TokenLimits,
} from './limits.js';
import { refuseSuspended } from './suspension.js';
import { rotateRefresh } from './rotation.js';
import { noStore, oauthForm } from './form.js';

/** A redeemed code is remembered this long so a replay can revoke what it issued. */
const REDEEMED_TTL_S = 600;
/**
 * How long a refresh token issued before families (./issue.ts) is remembered after its
 * rotation, so its reuse still revokes the grant (BCP §4.14.2). Tokens of a family need no
 * record of their own: the family's record catches every rotated one for the grant's life.
 */
const LEGACY_REUSE_TTL_S = 24 * 3600;

export interface TokenDeps {
  store: TokenStore;
  clients: ClientDirectory;
  resource: string;
  lifetimes: Lifetimes;
  /** Budgets keyed on what a request proves, and failures per address (./limits.ts). */
  limits: TokenLimits;
  log: Logger;
  /** Derives a refresh's successor pair (`Sealer.macs`, ./issue.ts). */
  deriver: TokenDeriver;
  now?: () => number;
}

function str(body: Record<string, unknown>, name: string, required = true): string | undefined {
  const v = body[name];
  if (v === undefined || v === '') {
    if (required) throw new InvalidRequestError(`${name} is required`);
    return undefined;
  }
  if (typeof v !== 'string') throw new InvalidRequestError(`${name} must be given once`);
  return v;
}

/** One grant type at /token: the parsed form, and `charge` spending the credential's /token budget. */
type GrantTypeHandler = (
  req: Request,
  res: Response,
  body: Record<string, unknown>,
  charge: (key: string) => Promise<void>,
) => Promise<void>;

export function tokenRouter(deps: TokenDeps): Router {
  const { store, clients, resource, lifetimes, limits, log, deriver } = deps;
  const now = deps.now ?? Date.now;
  const router = express.Router();

  const checkResource = (body: Record<string, unknown>): void => {
    const r = str(body, 'resource', false);
    if (r !== undefined && canonicalResource(r) !== resource)
      throw new InvalidTargetError('this server only issues tokens for its own MCP endpoint');
  };

  /** RFC 6749 §2.3.1 client authentication, then the operator's suspension (src/oauth/suspension.ts). */
  const authenticate = async (req: Request) => {
    const client = await clients.authenticate(req);
    await refuseSuspended(store, client.clientId);
    return client;
  };

  /** Compare-and-set loop: re-read and re-apply when another write bumped the version. */
  const updateGrant = async (
    grantId: string,
    change: (g: GrantRecord) => GrantRecord | Promise<GrantRecord>,
  ): Promise<GrantRecord> => {
    for (;;) {
      const grant = await store.get('grant', grantId);
      if (!grant) throw new InvalidGrantError('the grant is no longer valid');
      const next = await change(grant);
      // Unchanged: nothing to write (a refresh retry answers with the pair already issued).
      if (next === grant) return grant;
      if (await store.casGrant({ ...next, version: grant.version + 1 }, grant.version, lifetimes.refreshTokenTtlS))
        return { ...next, version: grant.version + 1 };
    }
  };

  const authorizationCode: GrantTypeHandler = async (req, res, body, charge) => {
    const client = await authenticate(req);
    const code = str(body, 'code')!;
    await charge(codeKey(code));
    const verifier = str(body, 'code_verifier')!;
    if (!VERIFIER_RE.test(verifier))
      throw new InvalidRequestError('code_verifier must be 43-128 unreserved characters');
    const redirectUri = str(body, 'redirect_uri', false);
    checkResource(body);
    const key = hashSecret(code);
    const rec = await store.get('code', key);
    if (!rec) {
      const redeemed = await store.get('redeemed', key);
      // OAuth 2.1 §4.1.3: a replayed code revokes the tokens it issued — but only a replay
      // that would have been valid, so a leaked used code cannot end someone's access (OAUTH-22).
      if (redeemed && redeemed.clientId === client.clientId && verifyS256(verifier, redeemed.codeChallenge)) {
        log.warn(
          { event: 'code_replay', grantId: redeemed.grantId, clientId: client.clientId },
          'authorization code replayed; grant revoked',
        );
        await store.revokeGrant(redeemed.grantId);
      }
      throw new InvalidGrantError('the authorization code is invalid, expired or already used');
    }
    if (rec.clientId !== client.clientId)
      throw new InvalidGrantError('the authorization code was issued to another client');
    if (redirectUri !== undefined && redirectUri !== rec.redirectUri)
      throw new InvalidGrantError('redirect_uri does not match the authorization request');
    if (!verifyS256(verifier, rec.codeChallenge))
      throw new InvalidGrantError('code_verifier does not match the code_challenge');
    if (!(await store.take('code', key)))
      throw new InvalidGrantError('the authorization code is invalid, expired or already used');
    const pair = newPair();
    const grant = await updateGrant(rec.grantId, (g) => ({
      ...g,
      refresh: { current: pair.refreshHash },
      access: hashSecret(pair.accessToken),
    }));
    await storePair(store, grant, pair, grant.scopes, lifetimes, now());
    await store.linkUserGrant(userKeyOf(grant), grant.id, lifetimes.refreshTokenTtlS);
    // A step-up re-authorization replaces the narrower grant it grew out of (./grant-replacement.ts).
    await replaceSupersededGrants(store, grant, log);
    // Remembered only once the tokens exist: a duplicate that raced this redemption fails
    // plainly, one that comes after it is a replay and revokes what was issued.
    await store.put(
      'redeemed',
      key,
      { grantId: rec.grantId, clientId: rec.clientId, codeChallenge: rec.codeChallenge },
      REDEEMED_TTL_S,
    );
    await clients.touch(client, lifetimes.refreshTokenTtlS);
    log.info({ event: 'token_issued', grantId: grant.id, clientId: client.clientId }, 'authorization code redeemed');
    res.json(tokenResponse(pair, grant.scopes, lifetimes));
  };

  const refreshToken: GrantTypeHandler = async (req, res, body, charge) => {
    const client = await authenticate(req);
    const token = str(body, 'refresh_token')!;
    const scopeParam = str(body, 'scope', false);
    checkResource(body);
    const presented = hashSecret(token);
    const family = familyOf(token);
    // The family's record, whichever of its tokens this is; the grant tells current from rotated.
    const rec = await store.get('refresh', refreshKeyOf(token));
    if (!rec) throw new InvalidGrantError('the refresh token is invalid or expired');
    if (rec.clientId !== client.clientId) throw new InvalidGrantError('the refresh token was issued to another client');
    await charge(grantKey(rec.grantId));
    // The successor is derived from the presented token (./issue.ts): every request that
    // presents it within its grace gets the same one (REFRESH-01).
    const successors = successorRefreshTokens(deriver, token).map(hashSecret);
    let scopes: string[] = [];
    let keyIndex = 0;
    const grant = await updateGrant(rec.grantId, async (g) => {
      const asked = scopeParam === undefined ? g.scopes : scopeParam.split(' ').filter(Boolean);
      if (asked.length === 0 || asked.some((s) => !g.scopes.includes(s)))
        throw new InvalidScopeError('the requested scope exceeds the grant');
      scopes = g.scopes.filter((s) => asked.includes(s));
      const outcome = rotateRefresh(g.refresh, presented, successors, now());
      keyIndex = outcome.kind === 'repeat' ? outcome.index : 0;
      // A retry or a racing request: the successor was issued already; nothing to write.
      if (outcome.kind === 'repeat') return g;
      // The rotation names its access token, so the store deletes the grant's older ones in the
      // same write: the new one and the one it replaces stay live (docs/storage.md).
      if (outcome.kind === 'rotate')
        return {
          ...g,
          refresh: outcome.refresh,
          access: hashSecret(successorPair(deriver, token, scopes).accessToken),
        };
      log.warn(
        { event: 'refresh_reuse', grantId: g.id, clientId: client.clientId },
        'rotated refresh token reused; grant revoked',
      );
      await store.revokeGrant(g.id);
      throw new InvalidGrantError('the refresh token was already used');
    });
    const pair = successorPair(deriver, token, scopes, keyIndex);
    await storePair(store, grant, pair, scopes, lifetimes, now());
    // An older token moves into a family now; its own record stays a day to catch its reuse.
    if (!family) await store.put('refresh', presented, rec, Math.min(LEGACY_REUSE_TTL_S, lifetimes.refreshTokenTtlS));
    // The grant lives on with each rotation; so do its client and its place in /connections.
    await store.linkUserGrant(userKeyOf(grant), grant.id, lifetimes.refreshTokenTtlS);
    await clients.touch(client, lifetimes.refreshTokenTtlS);
    res.json(tokenResponse(pair, scopes, lifetimes));
  };

  router.post('/token', oauthForm, async function token(req: Request, res: Response) {
    noStore(res);
    try {
      const body = (req.body ?? {}) as Record<string, unknown>;
      // An address that keeps failing is stopped before any work (./limits.ts).
      enforce(
        res,
        await limits.failuresPerAddress.peek(addressKey(req.ip)),
        'too many failed token requests from this address',
      );
      const charge = credentialCharger(res, limits);
      const grantType = str(body, 'grant_type');
      if (grantType === 'authorization_code') return await authorizationCode(req, res, body, charge);
      if (grantType === 'refresh_token') return await refreshToken(req, res, body, charge);
      if (grantType === 'client_credentials' || grantType === 'password')
        throw new UnauthorizedClientError('grant type not allowed');
      throw new UnsupportedGrantTypeError('unsupported grant_type');
    } catch (err) {
      if (err instanceof OAuthError)
        log.info({ event: 'token_refused', error: err.errorCode, reason: err.message }, 'token request refused');
      else log.error({ err }, 'token endpoint failure');
      if (isChargeableFailure(err)) await limits.failuresPerAddress.consume(addressKey(req.ip)).catch(() => undefined);
      sendOAuthError(res, err);
    }
  });
  return router;
}
