/**
 * Client ID Metadata Documents (MCP 2025-11-25 authorization "Client ID Metadata
 * Documents"; docs/architecture.md, "The two OAuth legs"): a URL-shaped `client_id` is fetched through
 * the SSRF-safe fetcher (./safe-fetch.ts) and its document describes the client; results
 * are cached within bounds.
 *
 * Tolerant of what real documents declare (./client-metadata.ts): unsupported grant types
 * are ignored, unusable redirect URIs dropped, and `private_key_jwt` with `jwks_uri` or
 * `jwks` honoured. Every refusal carries a reason that is logged and shown to the person.
 */
import type { ClientRecord } from '../storage/records.js';
import { redirectUriProblem } from './redirect-uri.js';
import {
  BoundedCache,
  createSafeFetcher,
  SafeFetchError,
  type SafeFetcher,
  type SafeFetchOptions,
} from './safe-fetch.js';
import { clientTerms, MetadataDocument } from './client-metadata.js';

/** Room for an inline `jwks` of a few RSA keys next to the usual fields. */
const MAX_BYTES = 16 * 1024;
const CACHE_ENTRIES = 1000;

/** Why a metadata document cannot be used; the message is safe to log and to show. */
export class CimdError extends Error {
  override readonly name = 'CimdError';
}

export interface CimdOptions extends SafeFetchOptions {
  now?: () => number;
  /** Where documents are fetched from; defaults to one built from the options above. */
  fetcher?: SafeFetcher;
}

export interface CimdResolver {
  isMetadataUrl(clientId: string): boolean;
  /** The client, or a CimdError saying why its document cannot be used. */
  resolve(clientId: string): Promise<ClientRecord>;
}

function fail(reason: string): never {
  throw new CimdError(reason);
}

/** Turns a fetched document into our client record, or says why it cannot be one. */
export function clientFromDocument(clientId: string, json: unknown, fetcher: SafeFetcher, now: number): ClientRecord {
  const doc = MetadataDocument.safeParse(json);
  if (!doc.success) {
    const issue = doc.error.issues[0];
    fail(
      `the metadata document is invalid (${issue ? `${issue.path.join('.') || 'document'}: ${issue.message}` : 'unexpected shape'})`,
    );
  }
  const d = doc.data;
  if (d.client_id !== clientId) fail('the metadata document names another client_id');
  // Unusable redirect URIs (an unknown private-use scheme, say) are dropped, not fatal: we
  // only ever redirect to the ones left, by exact match.
  const redirectUris = d.redirect_uris.filter((u) => !redirectUriProblem(u));
  if (redirectUris.length === 0)
    fail('the metadata document has no redirect URI this server accepts (https, or http on loopback)');
  // A document cannot hold a secret we issued, so only public clients and key-based ones.
  const terms = clientTerms(d, ['none', 'private_key_jwt'], 'none', fetcher);
  if ('problem' in terms) fail(`the metadata document is unusable: ${terms.problem}`);
  return {
    clientId,
    clientName: d.client_name,
    clientUri: d.client_uri?.startsWith('https://') ? d.client_uri : undefined,
    redirectUris,
    grantTypes: terms.grantTypes,
    responseTypes: ['code'],
    tokenEndpointAuthMethod: terms.authMethod,
    ...(terms.authMethod === 'private_key_jwt'
      ? { jwksUri: d.jwks_uri, jwks: d.jwks, tokenEndpointAuthSigningAlg: d.token_endpoint_auth_signing_alg }
      : {}),
    scope: d.scope,
    applicationType: d.application_type === 'web' || d.application_type === 'native' ? d.application_type : undefined,
    source: 'cimd',
    createdAt: now,
  };
}

export function createCimdResolver(opts: CimdOptions = {}): CimdResolver {
  const now = opts.now ?? Date.now;
  const fetcher = opts.fetcher ?? createSafeFetcher(opts);
  const cache = new BoundedCache<ClientRecord>(CACHE_ENTRIES, now);

  const check = (clientId: string): URL => {
    try {
      const url = fetcher.check(clientId, 'client_id');
      // The draft requires a path: the document is a resource, not a site.
      if (url.pathname === '/') fail('the client_id URL must have a path');
      return url;
    } catch (err) {
      if (err instanceof SafeFetchError) fail(err.message);
      throw err;
    }
  };

  return {
    isMetadataUrl: (clientId) => /^https?:\/\//i.test(clientId),
    async resolve(clientId) {
      const hit = cache.get(clientId);
      if (hit) return hit;
      const url = check(clientId);
      let fetched: { body: string; maxAgeS: number };
      try {
        fetched = await fetcher.fetchJson(url, 'metadata document', MAX_BYTES);
      } catch (err) {
        if (err instanceof SafeFetchError) fail(err.message);
        throw err;
      }
      let json: unknown;
      try {
        json = JSON.parse(fetched.body);
      } catch {
        fail('the metadata document is not JSON');
      }
      const record = clientFromDocument(clientId, json, fetcher, now());
      cache.set(clientId, record, fetched.maxAgeS * 1000);
      return record;
    },
  };
}
