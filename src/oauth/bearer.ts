/**
 * The bearer check in front of /mcp (OAuth 2.1 §5.2; MCP 2025-11-25 authorization "Token
 * Handling"; OAUTH-32, OAUTH-33, UPSTREAM-07). Only our own opaque tokens, only from the Authorization
 * header, only for our canonical resource, only while their grant lives. The OSC token's
 * freshness is checked here too, so a dead OSC authorization answers this HTTP request
 * with a 401 challenge and the client re-authorizes (UPSTREAM-06); a store or OSC outage
 * answers 503 with Retry-After, never 401 or 500 (docs/architecture.md, "Storage").
 *
 * Two phases, so a request costs one store round trip (issue 18):
 * - `check`, before the body is read: the token's shape and its access record (401). An access
 *   record never changes once written, so each process remembers recent ones (`hints`); a
 *   remembered token costs no store call here.
 * - `admit`, once the route knows how many tool calls the body holds: the access record
 *   (still there? /revoke may have deleted it), the grant, the client's suspension and the
 *   tool-call budget, all sent at once: one pipelined round trip on one Redis, one parallel
 *   round trip on a cluster (where they live on different slots). A token not remembered
 *   costs one more round trip, in `check`.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Logger } from 'pino';
import type { RecordStore } from '../storage/store.js';
import type { AccessTokenRecord } from '../storage/records.js';
import { RPC, sendJsonRpcError, sendJsonRpcUnavailable } from '../http/json-rpc.js';
import { setRetryAfter } from '../http/unavailable.js';
import { isUnavailable } from '../errors.js';
import { hashSecret } from '../storage/hash.js';
import type { UpstreamRefresher } from '../osc/lifecycle/refresh.js';
import { grantCredentials } from '../osc/lifecycle/grant-credentials.js';
import type { OscCredentials } from '../osc/lifecycle/credentials.js';
import { sendUnauthorized } from './challenge.js';
import { SCOPES } from './scopes.js';
import { GrantRevokedError } from '../errors.js';
import { BLOCKED_DESCRIPTION, clientUseRecorder } from './suspension.js';
import { DEFAULTS } from '../defaults.js';

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

/** Same shape as the rate limiter (src/storage/rate-limits.ts). */
export interface CallBudget {
  consume(key: string, points?: number): Promise<{ allowed: boolean; retryAfterS: number }>;
}

export interface BearerDeps {
  store: Pick<RecordStore, 'get' | 'put'>;
  refresher: UpstreamRefresher;
  resource: string;
  resourceMetadataUrl: string;
  log: Logger;
  now?: () => number;
  /** Tool calls per grant; a batch of n calls spends n (INPUT-08). Spent in `admit`'s round trip. */
  toolCalls?: CallBudget;
  /** Access records remembered per process (src/defaults.ts `accessHintEntries`). */
  hintEntries?: number;
}

export interface Bearer {
  /** Phase one (middleware): a valid, unexpired access token for our resource, else 401. Sets `req.auth`. */
  check: RequestHandler;
  /**
   * Phase two, from the route once the body is parsed: the token still there, its grant live,
   * its client not suspended, `toolCalls` calls within budget, the OSC token fresh. Answers
   * the request itself (401, 429, 503) and resolves false when it is refused.
   */
  admit(req: Request, res: Response, toolCalls: number): Promise<boolean>;
}

interface Checked {
  hash: string;
  rec: AccessTokenRecord;
  /** Whether `rec` came from memory: `admit` then reads the record again, to see it still exists. */
  remembered: boolean;
}

export function createBearer(deps: BearerDeps): Bearer {
  const { store, refresher, resource, resourceMetadataUrl, log, toolCalls } = deps;
  const now = deps.now ?? Date.now;
  const maxHints = deps.hintEntries ?? DEFAULTS.accessHintEntries;
  const challenge = { resourceMetadataUrl, scope: SCOPES.join(' ') };
  // Built once, and the invalid-token options named field by field: on Node 20 a literal that
  // starts with a spread costs V8 about a microsecond for each property after it, per request.
  const tokenRequired = { ...challenge, description: 'a bearer token is required' };
  const recordUse = clientUseRecorder(store, now);
  /** Access records by token hash, oldest first; bounded, and each dropped once expired or gone. */
  const hints = new Map<string, AccessTokenRecord>();
  const checked = new WeakMap<AuthInfo, Checked>();

  const invalid = (res: Response, description: string) =>
    sendUnauthorized(res, {
      resourceMetadataUrl: challenge.resourceMetadataUrl,
      scope: challenge.scope,
      error: 'invalid_token',
      description,
    });
  const unavailable = (res: Response, err: { kind: string }) => {
    log.warn({ event: 'bearer_unavailable', reason: err.kind }, 'dependency unavailable during bearer check');
    return sendJsonRpcUnavailable(res);
  };

  async function check(req: Request, res: Response, next: NextFunction) {
    const m = TOKEN_RE.exec(req.headers.authorization ?? '');
    if (!m?.[1]) return sendUnauthorized(res, tokenRequired);
    const token = m[1];
    const hash = hashSecret(token);
    let rec = hints.get(hash);
    const remembered = rec !== undefined;
    try {
      rec ??= await store.get('access', hash);
    } catch (err) {
      if (isUnavailable(err)) return unavailable(res, err);
      return next(err);
    }
    if (!rec || rec.expiresAt <= now() || rec.resource !== resource) {
      hints.delete(hash);
      return invalid(res, 'the access token is invalid or expired');
    }
    if (!remembered) {
      if (hints.size >= maxHints) hints.delete(hints.keys().next().value as string);
      hints.set(hash, rec);
    }
    const auth: AuthInfo = {
      token,
      clientId: rec.clientId,
      scopes: rec.scopes,
      expiresAt: Math.floor(rec.expiresAt / 1000),
      resource: new URL(resource),
      extra: { grantId: rec.grantId },
    };
    checked.set(auth, { hash, rec, remembered });
    req.auth = auth;
    next();
  }

  async function admit(req: Request, res: Response, calls: number): Promise<boolean> {
    const auth = req.auth;
    const c = auth && checked.get(auth);
    if (!auth || !c) {
      sendUnauthorized(res, tokenRequired);
      return false;
    }
    const { hash, rec } = c;
    try {
      // One round trip: every read (and the budget) sent before the first answer.
      const [still, grant, suspended, budget] = await Promise.all([
        c.remembered ? store.get('access', hash) : rec,
        store.get('grant', rec.grantId),
        store.get('suspended', rec.clientId),
        calls > 0 && toolCalls ? toolCalls.consume(`tools:${rec.grantId}`, calls) : undefined,
      ]);
      if (!still) {
        hints.delete(hash);
        invalid(res, 'the access token is invalid or expired');
        return false;
      }
      if (!grant) {
        hints.delete(hash);
        invalid(res, 'the authorization was revoked');
        return false;
      }
      if (suspended) {
        invalid(res, BLOCKED_DESCRIPTION);
        return false;
      }
      if (budget && !budget.allowed) {
        setRetryAfter(res, budget.retryAfterS);
        sendJsonRpcError(res, 429, RPC.serverError, 'Too many tool calls for this connection; retry later');
        return false;
      }
      const fresh = await refresher.ensureFresh(grant);
      auth.extra = { grantId: grant.id, tenantId: grant.tenantId };
      credentialsByAuth.set(auth, grantCredentials(refresher, fresh.grant));
      recordUse(rec.clientId);
      return true;
    } catch (err) {
      if (err instanceof GrantRevokedError) {
        invalid(res, 'the OSC authorization ended; authorize again');
        return false;
      }
      if (isUnavailable(err)) {
        unavailable(res, err);
        return false;
      }
      throw err;
    }
  }

  return { check, admit };
}
