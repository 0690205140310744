/**
 * Dynamic Client Registration (RFC 7591), hardened (OAUTH-05, OAUTH-13, OAUTH-07; OAUTH-04…07):
 * server-generated ids, exact https-or-loopback redirect URIs (known private-use
 * callbacks only), size and count limits, secrets that never expire, identical
 * registrations without a secret deduplicated (clients re-register on every cold start,
 * docs/architecture.md, "The two OAuth legs"). Tolerant where real clients over-declare (./client-metadata.ts):
 * unsupported grant types are ignored and the response says what was granted.
 *
 * The per-address budget is charged only for a NEW registration, after deduplication:
 * hosted clients register from a few vendor addresses for all of their users, and a
 * re-registration that returns an existing client costs nothing (docs/limits.md).
 */
import express, { type Request, type Response, type Router } from 'express';
import { createHash } from 'node:crypto';
import type { TokenStore } from '../storage/store.js';
import type { ClientRecord } from '../storage/records.js';
import { hashSecret, randomToken } from '../storage/hash.js';
import { redirectUriProblem } from './redirect-uri.js';
import {
  InvalidClientMetadataError,
  InvalidRedirectUriError,
  OAuthError,
  TemporarilyUnavailableError,
  TooManyRequestsError,
  sendOAuthError,
} from './errors.js';
import { normalizeScopes } from './scopes.js';
import { UNUSED_CLIENT_TTL_S } from './clients.js';
import { clientTerms, RegistrationMetadata } from './client-metadata.js';
import type { SafeFetcher } from './safe-fetch.js';
import type { Logger } from 'pino';
import { setRetryAfter } from '../http/unavailable.js';

export interface Limiter {
  consume(key: string, points?: number): Promise<{ allowed: boolean; retryAfterS: number }>;
}

function fingerprint(m: RegistrationMetadata, authMethod: string, grantTypes: string[]): string {
  const canonical = JSON.stringify([
    m.client_name ?? '',
    m.client_uri ?? '',
    [...m.redirect_uris].sort(),
    grantTypes,
    authMethod,
    m.scope ?? '',
    m.jwks_uri ?? '',
    m.jwks ?? null,
    m.token_endpoint_auth_signing_alg ?? '',
  ]);
  return createHash('sha256').update(canonical).digest('base64url');
}

function reply(res: Response, client: ClientRecord, secret?: string): void {
  res
    .status(201)
    .set('Cache-Control', 'no-store')
    .set('Pragma', 'no-cache')
    .json({
      client_id: client.clientId,
      ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
      client_id_issued_at: Math.floor(client.createdAt / 1000),
      client_name: client.clientName,
      client_uri: client.clientUri,
      redirect_uris: client.redirectUris,
      grant_types: client.grantTypes,
      response_types: client.responseTypes,
      token_endpoint_auth_method: client.tokenEndpointAuthMethod,
      ...(client.jwksUri ? { jwks_uri: client.jwksUri } : {}),
      ...(client.jwks ? { jwks: client.jwks } : {}),
      ...(client.tokenEndpointAuthSigningAlg
        ? { token_endpoint_auth_signing_alg: client.tokenEndpointAuthSigningAlg }
        : {}),
      ...(client.scope ? { scope: client.scope } : {}),
      ...(client.applicationType ? { application_type: client.applicationType } : {}),
    });
}

export interface RegisterDeps {
  store: TokenStore;
  /** Charged once per NEW registration, keyed by address. */
  limiter: Limiter;
  /** New registrations from every address together (src/oauth/anonymous.ts); absent → no total. */
  registrationsTotal?: Limiter;
  /** Checks a registered `jwks_uri` with the same rules as every other fetch we make. */
  fetcher?: SafeFetcher;
  log?: Logger;
  now?: () => number;
}

export function registerRouter(deps: RegisterDeps): Router {
  const { store, limiter, log } = deps;
  const now = deps.now ?? Date.now;
  const router = express.Router();
  router.post('/register', express.json({ limit: '16kb' }), async function register(req: Request, res: Response) {
    try {
      // RFC 7591 §3.1: the metadata is a JSON document. Anything else (a cross-site "simple"
      // form or text/plain POST included) is refused before it is read (FLOOD-05).
      if (!req.is('application/json'))
        throw new InvalidClientMetadataError('the registration request must be sent as application/json');
      const parsed = RegistrationMetadata.safeParse(req.body);
      if (!parsed.success)
        throw new InvalidClientMetadataError(parsed.error.issues[0]?.message ?? 'invalid client metadata');
      const m = parsed.data;
      for (const uri of m.redirect_uris) {
        const problem = redirectUriProblem(uri);
        if (problem) throw new InvalidRedirectUriError(`redirect URI ${problem}`);
      }
      // RFC 7591 §2: the default method is client_secret_basic.
      const terms = clientTerms(
        m,
        ['none', 'client_secret_post', 'client_secret_basic', 'private_key_jwt'],
        'client_secret_basic',
        deps.fetcher,
      );
      if ('problem' in terms) throw new InvalidClientMetadataError(terms.problem);
      const { authMethod, grantTypes } = terms;
      const fp = fingerprint(m, authMethod, grantTypes);
      // Without a secret of ours in it, an identical registration is the same client.
      const shared = authMethod === 'none' || authMethod === 'private_key_jwt';
      if (shared) {
        const alias = await store.get('clientAlias', fp);
        const existing = alias && (await store.get('client', alias.clientId));
        if (existing) return reply(res, existing);
      }
      const limit = await limiter.consume(`register:${req.ip ?? 'unknown'}`);
      if (!limit.allowed) {
        setRetryAfter(res, limit.retryAfterS);
        throw new TooManyRequestsError(
          `too many new registrations from this address; try again in ${limit.retryAfterS} s`,
        );
      }
      // Every address together: the store holds at most a day of this budget (FLOOD-03).
      const total = await deps.registrationsTotal?.consume('all');
      if (total && !total.allowed) {
        setRetryAfter(res, total.retryAfterS);
        throw new TemporarilyUnavailableError(
          `too many new registrations right now; try again in ${total.retryAfterS} s`,
        );
      }
      const secret = shared ? undefined : randomToken('oscm_cs_');
      const client: ClientRecord = {
        clientId: randomToken('oscm_client_'),
        secretHash: secret ? hashSecret(secret) : undefined,
        clientName: m.client_name,
        // Display only, and only https: anything else is dropped rather than refused.
        clientUri: m.client_uri?.startsWith('https://') ? m.client_uri : undefined,
        redirectUris: m.redirect_uris,
        grantTypes,
        responseTypes: ['code'],
        tokenEndpointAuthMethod: authMethod,
        ...(authMethod === 'private_key_jwt'
          ? { jwksUri: m.jwks_uri, jwks: m.jwks, tokenEndpointAuthSigningAlg: m.token_endpoint_auth_signing_alg }
          : {}),
        scope: m.scope ? normalizeScopes(m.scope.split(' ')).join(' ') || undefined : undefined,
        applicationType: m.application_type,
        source: 'dcr',
        fingerprint: fp,
        createdAt: now(),
      };
      // logo_uri is dropped on purpose: we never render client-supplied images (OAUTH-13).
      await store.put('client', client.clientId, client, UNUSED_CLIENT_TTL_S);
      if (shared) await store.put('clientAlias', fp, { clientId: client.clientId }, UNUSED_CLIENT_TTL_S);
      if (terms.ignoredGrantTypes.length > 0)
        log?.info(
          { event: 'registration_narrowed', clientId: client.clientId, ignoredGrantTypes: terms.ignoredGrantTypes },
          'unsupported grant types ignored',
        );
      reply(res, client, secret);
    } catch (err) {
      if (err instanceof OAuthError)
        log?.info({ event: 'registration_refused', error: err.errorCode, reason: err.message }, 'registration refused');
      sendOAuthError(res, err);
    }
  });
  return router;
}
