/**
 * A `private_key_jwt` client's side (RFC 7523 §2.2): its key pair, the public key set it
 * publishes, and the client assertions it signs for /token, with jose as such clients do.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface ClientKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  /** The public JWK, as published in a `jwks` / at a `jwks_uri`. */
  publicJwk: JWK;
}

export async function newClientKey(alg = 'RS256', kid = `k-${randomUUID().slice(0, 8)}`): Promise<ClientKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export interface AssertionClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  /** Seconds from `nowS`. */
  expiresInS?: number;
  jti?: string;
  nowS?: number;
  /** Sign with this header alg/kid instead of the key's own. */
  kid?: string;
}

export async function signAssertion(
  key: ClientKey,
  clientId: string,
  aud: string | string[],
  c: AssertionClaims = {},
): Promise<string> {
  const nowS = c.nowS ?? Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: key.alg, kid: c.kid ?? key.kid, typ: 'JWT' })
    .setIssuer(c.iss ?? clientId)
    .setSubject(c.sub ?? clientId)
    .setAudience(c.aud ?? aud)
    .setIssuedAt(nowS)
    .setExpirationTime(nowS + (c.expiresInS ?? 60))
    .setJti(c.jti ?? randomUUID())
    .sign(key.privateKey);
}

/** The form fields of a `private_key_jwt` request. */
export function assertionFields(assertion: string): Record<string, string> {
  return { client_assertion_type: ASSERTION_TYPE, client_assertion: assertion };
}
