/**
 * Dynamic Client Registration (RFC 7591), hardened (T8, T11, T18; OAUTH-04…07):
 * server-generated ids, exact https-or-loopback redirect URIs (known private-use
 * callbacks only), size and count limits, per-IP rate limit, secrets that never expire,
 * identical public re-registrations deduplicated (clients re-register on every cold start,
 * mcp-auth.md D.1).
 */
import express, { type Request, type Response, type Router } from 'express';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { TokenStore } from '../grants/store.js';
import type { ClientRecord } from '../grants/records.js';
import { hashSecret, randomToken } from '../grants/hash.js';
import { redirectUriProblem } from './redirect-uri.js';
import { InvalidClientMetadataError, InvalidRedirectUriError, TooManyRequestsError, sendOAuthError } from './errors.js';
import { normalizeScopes } from './scopes.js';
import { UNUSED_CLIENT_TTL_S } from './clients.js';

export interface Limiter {
  consume(key: string, points?: number): Promise<{ allowed: boolean; retryAfterS: number }>;
}

const NAME_RE = /^[^\u0000-\u001f\u007f-\u009f]{1,100}$/;

const Metadata = z.object({
  redirect_uris: z.array(z.string()).min(1, 'at least one redirect URI').max(5, 'at most 5 redirect URIs'),
  client_name: z.string().regex(NAME_RE, 'client_name: 1-100 printable characters').optional(),
  client_uri: z.string().max(2000).optional(),
  logo_uri: z.string().max(2000).optional(),
  grant_types: z
    .array(z.enum(['authorization_code', 'refresh_token'], { error: 'grant_types: only authorization_code and refresh_token' }))
    .min(1)
    .optional(),
  response_types: z.array(z.literal('code', { error: 'response_types: only code' })).min(1).optional(),
  token_endpoint_auth_method: z
    .enum(['none', 'client_secret_post', 'client_secret_basic'], { error: 'token_endpoint_auth_method: none, client_secret_post or client_secret_basic' })
    .optional(),
  scope: z.string().max(1000).optional(),
  application_type: z.enum(['web', 'native']).optional(),
});

function fingerprint(m: z.infer<typeof Metadata>, authMethod: string): string {
  const canonical = JSON.stringify([m.client_name ?? '', m.client_uri ?? '', [...m.redirect_uris].sort(), m.grant_types ?? [], authMethod, m.scope ?? '']);
  return createHash('sha256').update(canonical).digest('base64url');
}

function reply(res: Response, client: ClientRecord, secret?: string): void {
  res.status(201).set('Cache-Control', 'no-store').set('Pragma', 'no-cache').json({
    client_id: client.clientId,
    ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
    client_id_issued_at: Math.floor(client.createdAt / 1000),
    client_name: client.clientName,
    client_uri: client.clientUri,
    redirect_uris: client.redirectUris,
    grant_types: client.grantTypes,
    response_types: client.responseTypes,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    ...(client.scope ? { scope: client.scope } : {}),
    ...(client.applicationType ? { application_type: client.applicationType } : {}),
  });
}

export function registerRouter(deps: { store: TokenStore; limiter: Limiter; now?: () => number }): Router {
  const { store, limiter } = deps;
  const now = deps.now ?? Date.now;
  const router = express.Router();
  router.post('/register', express.json({ limit: '16kb' }), async function register(req: Request, res: Response) {
    try {
      const limit = await limiter.consume(`register:${req.ip ?? 'unknown'}`);
      if (!limit.allowed) {
        res.set('Retry-After', String(limit.retryAfterS));
        throw new TooManyRequestsError('too many registrations from this address, try again later');
      }
      const parsed = Metadata.safeParse(req.body);
      if (!parsed.success) throw new InvalidClientMetadataError(parsed.error.issues[0]?.message ?? 'invalid client metadata');
      const m = parsed.data;
      for (const uri of m.redirect_uris) {
        const problem = redirectUriProblem(uri);
        if (problem) throw new InvalidRedirectUriError(`redirect URI ${problem}`);
      }
      if (m.client_uri !== undefined && !/^https:\/\//.test(m.client_uri)) throw new InvalidClientMetadataError('client_uri must be https');
      // RFC 7591 §2: the default method is client_secret_basic.
      const authMethod = m.token_endpoint_auth_method ?? 'client_secret_basic';
      const fp = fingerprint(m, authMethod);
      if (authMethod === 'none') {
        const alias = await store.get('clientAlias', fp);
        const existing = alias && (await store.get('client', alias.clientId));
        if (existing) return reply(res, existing);
      }
      const secret = authMethod === 'none' ? undefined : randomToken('oscm_cs_');
      const client: ClientRecord = {
        clientId: randomToken('oscm_client_'),
        secretHash: secret ? hashSecret(secret) : undefined,
        clientName: m.client_name,
        clientUri: m.client_uri,
        redirectUris: m.redirect_uris,
        grantTypes: m.grant_types ?? ['authorization_code', 'refresh_token'],
        responseTypes: ['code'],
        tokenEndpointAuthMethod: authMethod,
        scope: m.scope ? normalizeScopes(m.scope.split(' ')).join(' ') || undefined : undefined,
        applicationType: m.application_type,
        source: 'dcr',
        fingerprint: fp,
        createdAt: now(),
      };
      // logo_uri is dropped on purpose: we never render client-supplied images (T11).
      await store.put('client', client.clientId, client, UNUSED_CLIENT_TTL_S);
      if (authMethod === 'none') await store.put('clientAlias', fp, { clientId: client.clientId }, UNUSED_CLIENT_TTL_S);
      reply(res, client, secret);
    } catch (err) {
      sendOAuthError(res, err);
    }
  });
  return router;
}
