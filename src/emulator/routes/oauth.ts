/**
 * The OAuth host (src/emulator/README.md): discovery, authorize, token, dynamic registration.
 * Served for any Host that is not an OSC platform or service host (hosts.ts).
 */
import { Router } from 'express';
import type { Request } from 'express';
import { parseBody } from '../body.js';
import { redirectUriProblem, registerDcrClient } from '../clients.js';
import { issuerFor } from '../hosts.js';
import { json, oauthError, type Reply } from '../reply.js';
import { route } from '../route.js';
import type { Client, EmulatorState } from '../state.js';
import { authorizeGet, authorizePost } from './oauth-authorize.js';
import { tokenHandler, tokenRouteId } from './oauth-token.js';

/** RFC 8414 document; the fields beyond the four Eyevinn code reads are a GUESS (A.2). */
function metadata(req: Request): Reply {
  const issuer = issuerFor(req);
  return json(200, {
    issuer,
    authorization_endpoint: `${issuer}/api/connect/authorize`,
    token_endpoint: `${issuer}/api/connect/token`,
    registration_endpoint: `${issuer}/api/connect/register`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
  });
}

const AUTH_METHODS = new Set(['none', 'client_secret_post', 'client_secret_basic']);
const GRANTS = new Set(['authorization_code', 'refresh_token']);

function register(state: EmulatorState) {
  return (req: Request): Reply => {
    const body = parseBody(req);
    if (!body) return oauthError(400, 'invalid_client_metadata', 'Body must be a JSON object');
    const uris = body.redirect_uris;
    if (!Array.isArray(uris) || uris.length === 0 || uris.length > 10) {
      return oauthError(400, 'invalid_redirect_uri', 'redirect_uris must be a non-empty array');
    }
    for (const u of uris) {
      const problem = redirectUriProblem(u);
      if (problem) return oauthError(400, 'invalid_redirect_uri', `redirect_uri ${problem}`);
    }
    const method = body.token_endpoint_auth_method ?? 'client_secret_post';
    if (typeof method !== 'string' || !AUTH_METHODS.has(method)) {
      return oauthError(400, 'invalid_client_metadata', 'Unsupported token_endpoint_auth_method');
    }
    const grants = body.grant_types ?? ['authorization_code', 'refresh_token'];
    if (!Array.isArray(grants) || !grants.every((g) => typeof g === 'string' && GRANTS.has(g))) {
      return oauthError(400, 'invalid_client_metadata', 'Unsupported grant_types');
    }
    const name = body.client_name ?? 'Unnamed application';
    if (typeof name !== 'string' || name.length > 200)
      return oauthError(400, 'invalid_client_metadata', 'Bad client_name');
    const client = registerDcrClient(state, {
      name,
      redirectUris: uris as string[],
      authMethod: method as Client['authMethod'],
      grantTypes: grants as string[],
    });
    state.stats.registrations += 1;
    return json(
      201,
      {
        client_id: client.clientId,
        ...(client.secret ? { client_secret: client.secret, client_secret_expires_at: client.expiresAtS } : {}),
        client_id_issued_at: client.issuedAtS,
        client_name: client.name,
        redirect_uris: client.redirectUris,
        grant_types: client.grantTypes,
        response_types: ['code'],
        token_endpoint_auth_method: client.authMethod,
      },
      { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
    );
  };
}

export function oauthRouter(state: EmulatorState): Router {
  const r = Router();
  r.get('/.well-known/oauth-authorization-server', route(state, 'oauth.metadata', metadata));
  r.get('/.well-known/openid-configuration', route(state, 'oauth.metadata', metadata));
  r.get('/api/connect/authorize', route(state, 'oauth.authorize', authorizeGet(state)));
  r.post('/api/connect/authorize', route(state, 'oauth.authorize.submit', authorizePost(state)));
  r.post('/api/connect/token', route(state, tokenRouteId, tokenHandler(state)));
  r.post('/api/connect/register', route(state, 'oauth.register', register(state)));
  return r;
}
