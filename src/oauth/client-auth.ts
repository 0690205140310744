/**
 * `private_key_jwt` client authentication (RFC 7523 §2.2 and §3; OpenID Connect Core §9):
 * the client signs a short-lived JWT with its private key and we verify it against the
 * public keys its metadata names (./jwks.ts). ChatGPT's metadata document declares it
 * (RS256 with a `jwks_uri`).
 *
 * Rules (RFC 7523 §3): `iss` = `sub` = the client id; `aud` is our issuer identifier or the
 * endpoint URL (RFC 7523 §3 item 3 allows the token endpoint URL); `exp` required and at
 * most 10 minutes ahead; asymmetric algorithms only; `jti` required and single use, kept in
 * the store until the assertion expires.
 *
 * jose loads with the first assertion to verify, not at boot (issue 18: cold start): most
 * clients authenticate with `none` or a secret.
 */
import type { JSONWebKeySet } from 'jose';
import type { ClientRecord } from '../storage/records.js';
import type { TokenStore } from '../storage/store.js';
import { hashSecret } from '../storage/hash.js';
import { ASSERTION_ALGS } from './client-metadata.js';
import { InvalidClientError } from './errors.js';
import { JwksError, type JwksSource } from './jwks.js';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const MAX_ASSERTION_CHARS = 8192;
const MAX_LIFETIME_S = 600;
const CLOCK_SKEW_S = 60;

/** The client an assertion claims to come from (unverified: only to find its keys). */
export function assertionClientId(assertion: string): string | undefined {
  if (assertion.length > MAX_ASSERTION_CHARS) return undefined;
  // A JWS compact serialization (RFC 7515 §7.1) whose payload is a JSON object; nothing is
  // trusted here, jwtVerify checks the signature and these claims again.
  const parts = assertion.split('.');
  if (parts.length !== 3) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof claims !== 'object' || claims === null) return undefined;
  const { iss, sub } = claims as { iss?: unknown; sub?: unknown };
  return typeof iss === 'string' && iss === sub ? iss : undefined;
}

type Jose = typeof import('jose');
let jose: Promise<Jose> | undefined;
/** The jose module, loaded once on first use. */
const loadJose = (): Promise<Jose> => (jose ??= import('jose'));

export interface AssertionVerifier {
  /** Resolves when `assertion` authenticates `client`; throws InvalidClientError saying why not. */
  verify(client: ClientRecord, assertion: string): Promise<void>;
}

export interface AssertionVerifierDeps {
  store: TokenStore;
  jwks: JwksSource;
  /** Accepted `aud` values: our issuer identifier and the endpoint URLs that authenticate clients. */
  audiences: readonly string[];
  now?: () => number;
}

function reason({ errors }: Jose, err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'the client assertion has expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud')
      return 'the client assertion is addressed to another server (aud must be our issuer or token endpoint)';
    if (err.claim === 'iss' || err.claim === 'sub')
      return 'the client assertion must have iss and sub equal to the client_id';
    return `the client assertion has an invalid ${err.claim} claim`;
  }
  if (err instanceof errors.JWKSNoMatchingKey) return "no key in the client's published key set matches the assertion";
  if (err instanceof errors.JOSEAlgNotAllowed)
    return 'the client assertion uses a signing algorithm this client may not use';
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return "the client assertion's signature does not verify with the client's published keys";
  return 'the client assertion is malformed';
}

export function createAssertionVerifier(deps: AssertionVerifierDeps): AssertionVerifier {
  const now = deps.now ?? Date.now;
  const algorithms = (client: ClientRecord): string[] =>
    client.tokenEndpointAuthSigningAlg ? [client.tokenEndpointAuthSigningAlg] : [...ASSERTION_ALGS];

  const check = async (
    { jwtVerify, createLocalJWKSet }: Jose,
    client: ClientRecord,
    assertion: string,
    keys: JSONWebKeySet,
  ) =>
    jwtVerify(assertion, createLocalJWKSet(keys), {
      algorithms: algorithms(client),
      issuer: client.clientId,
      subject: client.clientId,
      audience: [...deps.audiences],
      clockTolerance: CLOCK_SKEW_S,
      currentDate: new Date(now()),
      requiredClaims: ['exp', 'jti'],
    });

  const keysFor = async (client: ClientRecord, fresh: boolean): Promise<JSONWebKeySet> => {
    try {
      return await deps.jwks.keysFor(client, fresh);
    } catch (err) {
      if (err instanceof JwksError) throw new InvalidClientError(err.message);
      throw err;
    }
  };

  return {
    async verify(client, assertion) {
      if (assertion.length > MAX_ASSERTION_CHARS) throw new InvalidClientError('the client assertion is too large');
      const j = await loadJose();
      let payload: Awaited<ReturnType<typeof check>>['payload'];
      try {
        payload = (await check(j, client, assertion, await keysFor(client, false))).payload;
      } catch (err) {
        if (err instanceof InvalidClientError) throw err;
        // A key we have not seen yet: the client may have rotated; look once more.
        if (!(err instanceof j.errors.JWKSNoMatchingKey) || !client.jwksUri)
          throw new InvalidClientError(reason(j, err));
        try {
          payload = (await check(j, client, assertion, await keysFor(client, true))).payload;
        } catch (again) {
          if (again instanceof InvalidClientError) throw again;
          throw new InvalidClientError(reason(j, again));
        }
      }
      const nowS = Math.floor(now() / 1000);
      const exp = payload.exp!;
      if (exp - nowS > MAX_LIFETIME_S + CLOCK_SKEW_S)
        throw new InvalidClientError('the client assertion lives too long (exp at most 10 minutes ahead)');
      const jti = payload.jti!;
      if (jti.length === 0 || jti.length > 256)
        throw new InvalidClientError('the client assertion has an invalid jti claim');
      const ttlS = Math.max(1, exp - nowS + CLOCK_SKEW_S);
      const fresh = await deps.store.putIfAbsent(
        'assertion',
        hashSecret(`${client.clientId}\n${jti}`),
        { clientId: client.clientId },
        ttlS,
      );
      if (!fresh) throw new InvalidClientError('the client assertion was already used (jti replay)');
    },
  };
}
