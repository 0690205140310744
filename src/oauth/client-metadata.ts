/**
 * What we make of the metadata a client declares, whether in a registration body (RFC 7591)
 * or a Client ID Metadata Document: the same tolerant rules for both, as pure functions.
 *
 * Real clients declare more than we support, and a declaration is a wish, not a demand:
 * RFC 7591 §2 lets the server replace requested values with suitable ones, and the CIMD
 * draft builds on that payload. So grant types we do not implement (claude.ai's document
 * declares `urn:ietf:params:oauth:grant-type:jwt-bearer`, VS Code's the device-code grant)
 * are dropped, not fatal; only a client that leaves nothing we can serve is refused.
 */

/** Grant types this server implements (OAuth 2.1 §4.1, §4.3). */
export const SUPPORTED_GRANT_TYPES = ['authorization_code', 'refresh_token'] as const;

/**
 * Redirect URIs per client. Generous (older VS Code registers six: two vscode.dev redirects
 * and four loopback forms; Cursor three) but bounded, since each one is matched on every
 * authorization and shown in logs.
 */
export const MAX_REDIRECT_URIS = 16;

/** Entries of `grant_types` / `response_types` we read at all, and how long each may be. */
export const MAX_DECLARED_VALUES = 16;
export const MAX_DECLARED_VALUE_LENGTH = 200;

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

/**
 * A client name a person will read on the consent page (T8, T11; POLICY-01): 1-100
 * characters, none of them a control, bidirectional or zero-width character, which could
 * make the page show another name than the one stored. Registered names and names from
 * metadata documents pass the same filter.
 */
export const CLIENT_NAME_RE =
  /^[^\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]{1,100}$/;
export const CLIENT_NAME_RULE = '1-100 printable characters, no control, bidirectional or zero-width characters';
