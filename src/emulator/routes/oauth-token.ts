/**
 * `POST /api/connect/token` (src/emulator/README.md, A.5). Form body (JSON also accepted).
 * - authorization_code: PKCE S256 verified; code single use, 10 min, bound to client_id
 *   and redirect_uri. A failed attempt (wrong verifier) does not consume the code.
 * - refresh_token: rotates both tokens; the old refresh token is dead at once. The old
 *   access token stays valid until its `exp` (GUESS; OSC's behaviour is unknown).
 * Client authentication: client_secret_basic, client_secret_post, or none for public and
 * dynamically registered clients (a DCR client may omit its secret, but a secret that is
 * sent must be right); console clients must authenticate.
 * Errors: RFC 6749 §5.2 `{error, error_description}`; 401 for invalid_client.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { parseBody, str, type Body } from '../body.js';
import { liveClient } from '../clients.js';
import { json, oauthError, type Reply } from '../reply.js';
import type { Client, EmulatorState } from '../state.js';
import { issueTokenPair } from '../tokens.js';

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/** Route id by grant type, so faults can target code exchange and refresh separately. */
export function tokenRouteId(req: Request): string {
  const grant = str(parseBody(req) ?? {}, 'grant_type');
  if (grant === 'authorization_code') return 'oauth.token.code';
  if (grant === 'refresh_token') return 'oauth.token.refresh';
  return 'oauth.token';
}

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

type Auth = { client: Client } | { error: Reply };

function authenticate(state: EmulatorState, req: Request, body: Body): Auth {
  let clientId = str(body, 'client_id');
  let secret = str(body, 'client_secret');
  let basic = false;
  const header = req.headers.authorization;
  if (header && /^basic /i.test(header)) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0 || secret !== undefined) {
      return { error: oauthError(400, 'invalid_request', 'Use exactly one client authentication method') };
    }
    let id: string;
    try {
      id = decodeURIComponent(decoded.slice(0, colon));
      secret = decodeURIComponent(decoded.slice(colon + 1));
    } catch {
      return { error: oauthError(400, 'invalid_request', 'Malformed Basic credentials') };
    }
    if (clientId !== undefined && clientId !== id)
      return { error: oauthError(400, 'invalid_request', 'client_id mismatch') };
    clientId = id;
    basic = true;
  }
  const challenge = basic ? { 'WWW-Authenticate': 'Basic realm="osc"' } : undefined;
  if (!clientId) return { error: oauthError(400, 'invalid_request', 'client_id is required') };
  const client = liveClient(state, clientId);
  if (!client) return { error: oauthError(401, 'invalid_client', 'Unknown or expired client', challenge) };
  if (secret !== undefined) {
    if (!client.secret || !same(secret, client.secret)) {
      return { error: oauthError(401, 'invalid_client', 'Client authentication failed', challenge) };
    }
  } else if (client.kind === 'console') {
    return { error: oauthError(401, 'invalid_client', 'Client authentication required', challenge) };
  }
  return { client };
}

export function tokenHandler(state: EmulatorState) {
  return (req: Request): Reply => {
    const body = parseBody(req);
    if (!body) return oauthError(400, 'invalid_request', 'Malformed request body');
    const grant = str(body, 'grant_type');
    if (!grant) return oauthError(400, 'invalid_request', 'grant_type is required');
    if (grant !== 'authorization_code' && grant !== 'refresh_token') {
      return oauthError(400, 'unsupported_grant_type', 'Only authorization_code and refresh_token are supported');
    }
    const auth = authenticate(state, req, body);
    if ('error' in auth) {
      if (grant === 'authorization_code') state.stats.codeExchangeFailures += 1;
      else state.stats.refreshFailures += 1;
      return auth.error;
    }
    if (grant === 'authorization_code') {
      const r = exchangeCode(state, auth.client, body);
      if (r.status === 200) state.stats.codeExchanges += 1;
      else state.stats.codeExchangeFailures += 1;
      return r;
    }
    const r = refresh(state, auth.client, body);
    if (r.status === 200) state.stats.refreshes += 1;
    else state.stats.refreshFailures += 1;
    return r;
  };
}

function exchangeCode(state: EmulatorState, client: Client, body: Body): Reply {
  const code = str(body, 'code');
  const redirectUri = str(body, 'redirect_uri');
  const verifier = str(body, 'code_verifier');
  if (!code || !redirectUri || !verifier) {
    return oauthError(400, 'invalid_request', 'code, redirect_uri and code_verifier are required');
  }
  const rec = state.codes.get(code);
  if (!rec || rec.expiresAtMs <= state.clock.nowMs()) {
    if (rec) state.codes.delete(code);
    return oauthError(400, 'invalid_grant', 'Invalid, expired or already used authorization code');
  }
  if (rec.clientId !== client.clientId) return oauthError(400, 'invalid_grant', 'Code was issued to another client');
  if (rec.redirectUri !== redirectUri) return oauthError(400, 'invalid_grant', 'redirect_uri does not match');
  if (!VERIFIER.test(verifier)) return oauthError(400, 'invalid_grant', 'Malformed code_verifier');
  const computed = createHash('sha256').update(verifier).digest('base64url');
  if (!same(computed, rec.codeChallenge)) return oauthError(400, 'invalid_grant', 'PKCE verification failed');
  const user = state.users.get(rec.userId);
  state.codes.delete(code);
  if (!user) return oauthError(400, 'invalid_grant', 'User no longer exists');
  return json(200, issueTokenPair(state, user, client.clientId), NO_STORE);
}

function refresh(state: EmulatorState, client: Client, body: Body): Reply {
  const token = str(body, 'refresh_token');
  if (!token) return oauthError(400, 'invalid_request', 'refresh_token is required');
  const rec = state.refreshTokens.get(token);
  if (!rec || rec.dead || rec.expiresAtMs <= state.clock.nowMs()) {
    return oauthError(400, 'invalid_grant', 'Invalid, expired or revoked refresh token');
  }
  if (rec.clientId !== client.clientId)
    return oauthError(400, 'invalid_grant', 'Refresh token was issued to another client');
  const user = state.users.get(rec.userId);
  if (!user) return oauthError(400, 'invalid_grant', 'User no longer exists');
  rec.dead = true;
  return json(200, issueTokenPair(state, user, client.clientId), NO_STORE);
}
