/**
 * PKCE (RFC 7636). S256 only: `plain` and a missing method (which defaults to plain,
 * §4.3) are refused (BCP §2.1.1, T3).
 */
import { createHash } from 'node:crypto';

/** §4.2: BASE64URL(SHA256(verifier)) is always 43 characters. */
export const CHALLENGE_RE = /^[A-Za-z0-9_-]{43}$/;
/** §4.1: 43–128 characters of the unreserved set. */
export const VERIFIER_RE = /^[A-Za-z0-9._~-]{43,128}$/;

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function verifyS256(verifier: string, challenge: string): boolean {
  const computed = Buffer.from(s256(verifier));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && computed.equals(expected);
}
