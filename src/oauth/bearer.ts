/**
 * The bearer check in front of /mcp (OAuth 2.1 §5.2; MCP 2025-11-25 authorization "Token
 * Handling"; OAUTH-32, OAUTH-33, UPSTREAM-07). Only our own opaque tokens, only from the Authorization
 * header, only for our canonical resource, only while their grant lives. The OSC token's
 * freshness is checked here too, so a dead OSC authorization answers this HTTP request
 * with a 401 challenge and the client re-authorizes (UPSTREAM-06); a store or OSC outage
 * answers 503 with Retry-After, never 401 or 500 (docs/architecture.md, "Storage").
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Logger } from 'pino';
import type { TokenStore } from '../storage/store.js';
import { sendJsonRpcUnavailable } from '../http/json-rpc.js';
import { isUnavailable } from '../errors.js';
import { hashSecret } from '../storage/hash.js';
import type { UpstreamRefresher } from '../osc/lifecycle/refresh.js';
import { grantCredentials } from '../osc/lifecycle/grant-credentials.js';
import type { OscCredentials } from '../osc/lifecycle/credentials.js';
import { sendUnauthorized } from './challenge.js';
import { SCOPES } from './scopes.js';
import { GrantRevokedError } from '../errors.js';
import { BLOCKED_DESCRIPTION, clientUseRecorder } from './suspension.js';

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AuthInfo;
  }
}

/** RFC 6750 §2.1 b64token; the scheme is case-insensitive (RFC 7235 §2.1). */
const TOKEN_RE = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i;
const credentialsByAuth = new WeakMap<AuthInfo, OscCredentials>();

/** The OSC credentials of a request the bearer check accepted. */
export function credentialsFor(auth: AuthInfo): OscCredentials {
  const c = credentialsByAuth.get(auth);
  if (!c) throw new GrantRevokedError('request was not authenticated');
  return c;
}

export interface BearerDeps {
  store: TokenStore;
  refresher: UpstreamRefresher;
  resource: string;
  resourceMetadataUrl: string;
  log: Logger;
  now?: () => number;
}

export function requireBearer(deps: BearerDeps): RequestHandler {
  const { store, refresher, resource, resourceMetadataUrl, log } = deps;
  const now = deps.now ?? Date.now;
  const challenge = { resourceMetadataUrl, scope: SCOPES.join(' ') };
  const recordUse = clientUseRecorder(store, now);

  return async function bearer(req: Request, res: Response, next: NextFunction) {
    const m = TOKEN_RE.exec(req.headers.authorization ?? '');
    if (!m?.[1]) return sendUnauthorized(res, { ...challenge, description: 'a bearer token is required' });
    const token = m[1];
    try {
      const rec = await store.get('access', hashSecret(token));
      if (!rec || rec.expiresAt <= now() || rec.resource !== resource) {
        return sendUnauthorized(res, {
          ...challenge,
          error: 'invalid_token',
          description: 'the access token is invalid or expired',
        });
      }
      // Read together: ioredis writes both commands before the first answer, one round trip.
      const [grant, suspended] = await Promise.all([
        store.get('grant', rec.grantId),
        store.get('suspended', rec.clientId),
      ]);
      if (!grant)
        return sendUnauthorized(res, {
          ...challenge,
          error: 'invalid_token',
          description: 'the authorization was revoked',
        });
      if (suspended)
        return sendUnauthorized(res, { ...challenge, error: 'invalid_token', description: BLOCKED_DESCRIPTION });
      const fresh = await refresher.ensureFresh(grant);
      const auth: AuthInfo = {
        token,
        clientId: rec.clientId,
        scopes: rec.scopes,
        expiresAt: Math.floor(rec.expiresAt / 1000),
        resource: new URL(resource),
        extra: { grantId: grant.id, tenantId: grant.tenantId },
      };
      credentialsByAuth.set(auth, grantCredentials(refresher, fresh.grant));
      req.auth = auth;
      recordUse(rec.clientId);
      next();
    } catch (err) {
      if (err instanceof GrantRevokedError) {
        return sendUnauthorized(res, {
          ...challenge,
          error: 'invalid_token',
          description: 'the OSC authorization ended; authorize again',
        });
      }
      if (isUnavailable(err)) {
        log.warn({ event: 'bearer_unavailable', reason: err.kind }, 'dependency unavailable during bearer check');
        return sendJsonRpcUnavailable(res);
      }
      next(err);
    }
  };
}
