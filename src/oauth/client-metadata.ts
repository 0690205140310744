/**
 * What we make of the metadata a client declares, whether in a registration body (RFC 7591)
 * or a Client ID Metadata Document: the schema each is parsed with, on the same bounds, and
 * the same tolerant rules for both (`clientTerms`).
 *
 * Real clients declare more than we support, and a declaration is a wish, not a demand:
 * RFC 7591 §2 lets the server replace requested values with suitable ones, and the CIMD
 * draft builds on that payload. So grant types we do not implement (claude.ai's document
 * declares `urn:ietf:params:oauth:grant-type:jwt-bearer`, VS Code's the device-code grant)
 * are dropped, not fatal; only a client that leaves nothing we can serve is refused.
 */
import { z } from 'zod';
import { SafeFetchError, type SafeFetcher } from './safe-fetch.js';

/** Grant types this server implements (OAuth 2.1 §4.1, §4.3). */
export const SUPPORTED_GRANT_TYPES = ['authorization_code', 'refresh_token'] as const;

/**
 * Redirect URIs per client. Generous (older VS Code registers six: two vscode.dev redirects
 * and four loopback forms; Cursor three) but bounded, since each one is matched on every
 * authorization and shown in logs.
 */
const MAX_REDIRECT_URIS = 16;

/** Entries of `grant_types` / `response_types` we read at all, and how long each may be. */
const MAX_DECLARED_VALUES = 16;
const MAX_DECLARED_VALUE_LENGTH = 200;

/** Client authentication methods at /token and /revoke (RFC 6749 §2.3.1, RFC 7523 §2.2). */
export type AuthMethod = 'none' | 'client_secret_post' | 'client_secret_basic' | 'private_key_jwt';

/**
 * Asymmetric JWS algorithms we verify client assertions with (RFC 7518 §3, RFC 8037). No
 * `HS*` (a client assertion signed with a shared secret is `client_secret_jwt`, which we do
 * not offer) and never `none`.
 */
export const ASSERTION_ALGS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/** The grant types we will honour for a client that declared `declared` (absent = RFC 7591 default). */
export function effectiveGrantTypes(
  declared: readonly string[] | undefined,
): { grantTypes: string[]; ignored: string[] } | { problem: string } {
  if (declared === undefined) return { grantTypes: [...SUPPORTED_GRANT_TYPES], ignored: [] };
  const grantTypes = SUPPORTED_GRANT_TYPES.filter((g) => declared.includes(g));
  if (!grantTypes.includes('authorization_code')) {
    return {
      problem: 'grant_types must include authorization_code (this server signs people in through the browser only)',
    };
  }
  return { grantTypes, ignored: declared.filter((g) => !(SUPPORTED_GRANT_TYPES as readonly string[]).includes(g)) };
}

/** `response_types` must allow `code`; anything else declared alongside is ignored. */
export function responseTypesProblem(declared: readonly string[] | undefined): string | undefined {
  if (declared === undefined || declared.includes('code')) return undefined;
  return 'response_types must include code';
}

export interface KeySource {
  jwksUri?: string;
  jwks?: { keys: Record<string, unknown>[] };
}

/** Why a declared public key set is unusable, or undefined when it is fine (RFC 7591 §2 `jwks`). */
export function jwksProblem(jwks: unknown): string | undefined {
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys))
    return 'jwks must be an object with a keys array';
  const keys = (jwks as { keys: unknown[] }).keys;
  if (keys.length === 0 || keys.length > 10) return 'jwks must hold 1 to 10 keys';
  for (const k of keys) {
    if (typeof k !== 'object' || k === null) return 'jwks keys must be JSON objects';
    const key = k as Record<string, unknown>;
    if (!['RSA', 'EC', 'OKP'].includes(String(key.kty))) return 'jwks keys must be RSA, EC or OKP public keys';
    // Private or symmetric material in a published key set is a leak, not a key we may use.
    if ('d' in key || 'k' in key || 'p' in key || 'q' in key) return 'jwks must hold public keys only';
  }
  return undefined;
}

/**
 * The client authentication method for declared metadata, or why it cannot be served.
 * `private_key_jwt` needs keys (`jwks_uri` or `jwks`, not both: RFC 7591 §2).
 */
export function authMethodFor(
  declared: string | undefined,
  keys: KeySource,
  signingAlg: string | undefined,
  allowed: readonly AuthMethod[],
  fallback: AuthMethod,
): { method: AuthMethod } | { problem: string } {
  const method = (declared ?? fallback) as AuthMethod;
  if (!allowed.includes(method)) return { problem: `token_endpoint_auth_method must be one of ${allowed.join(', ')}` };
  if (method === 'private_key_jwt') {
    if (keys.jwksUri && keys.jwks) return { problem: 'give either jwks_uri or jwks, not both' };
    if (!keys.jwksUri && !keys.jwks) return { problem: 'private_key_jwt needs jwks_uri or jwks' };
    if (keys.jwks) {
      const p = jwksProblem(keys.jwks);
      if (p) return { problem: p };
    }
    if (signingAlg !== undefined && !(ASSERTION_ALGS as readonly string[]).includes(signingAlg)) {
      return { problem: `token_endpoint_auth_signing_alg must be one of ${ASSERTION_ALGS.join(', ')}` };
    }
  }
  return { method };
}

/** The declared metadata a registration and a metadata document are both judged on. */
export interface DeclaredMetadata {
  grant_types?: readonly string[];
  response_types?: readonly string[];
  token_endpoint_auth_method?: string;
  token_endpoint_auth_signing_alg?: string;
  jwks_uri?: string;
  jwks?: { keys: Record<string, unknown>[] };
}

/** What we will serve a client, from its declared metadata. */
export interface ClientTerms {
  grantTypes: string[];
  /** Declared grant types we do not implement, dropped. */
  ignoredGrantTypes: string[];
  authMethod: AuthMethod;
}

/**
 * The grant types, response types and authentication method we will serve for declared
 * metadata, or the first reason we cannot, in that order. A `private_key_jwt` client's
 * `jwks_uri` must also pass `fetcher`'s URL rules, the same as every other fetch we make.
 */
export function clientTerms(
  m: DeclaredMetadata,
  allowed: readonly AuthMethod[],
  fallback: AuthMethod,
  fetcher?: Pick<SafeFetcher, 'check'>,
): ClientTerms | { problem: string } {
  const grants = effectiveGrantTypes(m.grant_types);
  if ('problem' in grants) return grants;
  const responseProblem = responseTypesProblem(m.response_types);
  if (responseProblem) return { problem: responseProblem };
  const auth = authMethodFor(
    m.token_endpoint_auth_method,
    { jwksUri: m.jwks_uri, jwks: m.jwks },
    m.token_endpoint_auth_signing_alg,
    allowed,
    fallback,
  );
  if ('problem' in auth) return auth;
  if (auth.method === 'private_key_jwt' && m.jwks_uri && fetcher) {
    try {
      fetcher.check(m.jwks_uri, 'jwks_uri');
    } catch (err) {
      if (err instanceof SafeFetchError) return { problem: err.message };
      throw err;
    }
  }
  return { grantTypes: grants.grantTypes, ignoredGrantTypes: grants.ignored, authMethod: auth.method };
}

/**
 * A client name a person will read on the consent page (T8, T11; POLICY-01): 1-100
 * characters, none of them a control, bidirectional or zero-width character, which could
 * make the page show another name than the one stored. Registered names and names from
 * metadata documents pass the same filter.
 */
export const CLIENT_NAME_RE =
  /^[^\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]{1,100}$/;
export const CLIENT_NAME_RULE = '1-100 printable characters, no control, bidirectional or zero-width characters';

/** How a client proves itself with keys (RFC 7591 §2), declared the same way in both forms. */
const keyFields = {
  token_endpoint_auth_method: z.string().max(100).optional(),
  token_endpoint_auth_signing_alg: z.string().max(20).optional(),
  jwks_uri: z.string().max(2000).optional(),
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).optional(),
};

const declaredValues = (name: string) =>
  z
    .array(z.string().max(MAX_DECLARED_VALUE_LENGTH), { error: `${name}: an array of strings` })
    .max(MAX_DECLARED_VALUES, `${name}: at most ${MAX_DECLARED_VALUES} values`);

/**
 * A registration body (RFC 7591 §2). Its refusals are `invalid_client_metadata` descriptions,
 * which carry no path, so each message names its field.
 */
export const RegistrationMetadata = z.object({
  redirect_uris: z
    .array(z.string(), { error: 'redirect_uris: an array of strings' })
    .min(1, 'at least one redirect URI')
    .max(MAX_REDIRECT_URIS, `at most ${MAX_REDIRECT_URIS} redirect URIs`),
  client_name: z.string().regex(CLIENT_NAME_RE, `client_name: ${CLIENT_NAME_RULE}`).optional(),
  client_uri: z.string().max(2000).optional(),
  logo_uri: z.string().max(2000).optional(),
  grant_types: declaredValues('grant_types').optional(),
  response_types: declaredValues('response_types').optional(),
  ...keyFields,
  scope: z.string().max(1000).optional(),
  application_type: z.enum(['web', 'native']).optional(),
});
export type RegistrationMetadata = z.infer<typeof RegistrationMetadata>;

const documentValues = z.array(z.string().max(MAX_DECLARED_VALUE_LENGTH)).max(MAX_DECLARED_VALUES);

/**
 * A Client ID Metadata Document. Stricter where a document must be complete (`client_id`,
 * `client_name`), more tolerant where real documents over-declare (an unknown
 * `application_type` is ignored, unusable redirect URIs are dropped by the caller).
 */
export const MetadataDocument = z.object({
  client_id: z.string(),
  client_name: z.string().regex(CLIENT_NAME_RE, CLIENT_NAME_RULE),
  // Bounded before anything is done with them; only the usable ones are kept.
  redirect_uris: z.array(z.string().max(2000)).min(1).max(MAX_REDIRECT_URIS),
  client_uri: z.string().max(2000).optional(),
  ...keyFields,
  grant_types: documentValues.optional(),
  response_types: documentValues.optional(),
  scope: z.string().max(1000).optional(),
  application_type: z.string().max(20).optional(),
});
