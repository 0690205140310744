/**
 * Discovery documents. Authorization server metadata (RFC 8414) at the root, path-inserted
 * and as the `openid-configuration` alias; protected resource metadata (RFC 9728) for
 * `/mcp` path-inserted and at the root. Every URL comes from PUBLIC_URL, never from the
 * request's Host or X-Forwarded-* headers (OAUTH-02). One canonical issuer.
 */
import express, { type Router } from 'express';
import { staticTag } from '../http/static-tag.js';
import { SCOPES } from './scopes.js';
import { ASSERTION_ALGS } from './client-metadata.js';

export interface Endpoints {
  issuer: string;
  resource: string;
  resourceMetadataUrl: string;
  authorize: string;
  token: string;
  register: string;
  revoke: string;
}

export function endpointsFor(publicUrl: string): Endpoints {
  return {
    issuer: publicUrl,
    resource: `${publicUrl}/mcp`,
    resourceMetadataUrl: `${publicUrl}/.well-known/oauth-protected-resource/mcp`,
    authorize: `${publicUrl}/authorize`,
    token: `${publicUrl}/token`,
    register: `${publicUrl}/register`,
    revoke: `${publicUrl}/revoke`,
  };
}

export function authorizationServerMetadata(e: Endpoints): Record<string, unknown> {
  return {
    issuer: e.issuer,
    authorization_endpoint: e.authorize,
    token_endpoint: e.token,
    registration_endpoint: e.register,
    revocation_endpoint: e.revoke,
    scopes_supported: [...SCOPES],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    // `none` first: claude.ai uses CIMD only when `none` is listed (docs/architecture.md, "The two OAuth legs").
    token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGS],
    revocation_endpoint_auth_methods_supported: [
      'none',
      'client_secret_post',
      'client_secret_basic',
      'private_key_jwt',
    ],
    revocation_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGS],
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    client_id_metadata_document_supported: true,
  };
}

export function protectedResourceMetadata(e: Endpoints): Record<string, unknown> {
  return {
    resource: e.resource,
    authorization_servers: [e.issuer],
    scopes_supported: [...SCOPES],
    bearer_methods_supported: ['header'],
    resource_name: 'osc-mcp: your Eyevinn Open Source Cloud workspace',
  };
}

export function metadataRouter(e: Endpoints): Router {
  const router = express.Router();
  const as = authorizationServerMetadata(e);
  const prm = protectedResourceMetadata(e);
  // Serialized and tagged once: the documents never change while the process runs.
  const send = (doc: Record<string, unknown>) => {
    const body = JSON.stringify(doc);
    const tag = staticTag(body);
    return function sendMetadata(_req: express.Request, res: express.Response) {
      res.set('Cache-Control', 'public, max-age=300').set('ETag', tag).type('application/json').send(body);
    };
  };
  const issuerPath = new URL(e.issuer).pathname.replace(/\/$/, '');
  for (const p of new Set([
    '/.well-known/oauth-authorization-server',
    `/.well-known/oauth-authorization-server${issuerPath}`,
    '/.well-known/openid-configuration',
    `/.well-known/openid-configuration${issuerPath}`,
    `${issuerPath}/.well-known/openid-configuration`,
  ])) {
    router.get(p, send(as));
  }
  const resourcePath = new URL(e.resource).pathname;
  for (const p of new Set([
    '/.well-known/oauth-protected-resource',
    `/.well-known/oauth-protected-resource${resourcePath}`,
  ])) {
    router.get(p, send(prm));
  }
  return router;
}
