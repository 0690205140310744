/**
 * Limits that follow people, not products (docs/limits.md). A metadata-document client id
 * is the same for every user of that product, and identical public registrations share one
 * client id, so no budget here is keyed by client id. Instead:
 *
 * - `/token`, successful work: charged to what the request proves: the authorization code
 *   (`code:<hash>`) or, for a refresh, the grant its refresh token belongs to
 *   (`grant:<id>`). One person's runaway refresh loop meets its own budget only.
 * - `/token`, failures: charged to the caller's address (`addr:<ip>`), and only failures
 *   (a 4xx other than 429): an address that floods bad codes is stopped before any work,
 *   while a vendor's shared egress address serving thousands of people who succeed pays
 *   nothing.
 * - `/register`: charged per address for NEW registrations only, after deduplication
 *   (src/oauth/register.ts).
 *
 * Per-address budgets for unauthenticated routes as a whole (flood protection) are a
 * separate, coarser layer in front of these.
 */
import type { Response } from 'express';
import type { RateDecision } from '../storage/rate-limits.js';
import { setRetryAfter } from '../http/unavailable.js';
import { hashSecret } from '../storage/hash.js';
import { OAuthError, TooManyRequestsError } from './errors.js';

export interface Budget {
  consume(key: string, points?: number): Promise<RateDecision>;
}

export interface PeekableBudget extends Budget {
  peek(key: string): Promise<RateDecision>;
}

export interface TokenLimits {
  /** Requests per authorization code or per grant, per window. */
  perCredential: Budget;
  /** Failed requests per address, per window; spent only by failures. */
  failuresPerAddress: PeekableBudget;
}

export const codeKey = (code: string): string => `code:${hashSecret(code)}`;
export const grantKey = (grantId: string): string => `grant:${grantId}`;
export const addressKey = (ip: string | undefined): string => `addr:${ip ?? 'unknown'}`;

/** A refusal the caller's address pays for: the client's own mistake, not our state or load. */
export function isChargeableFailure(err: unknown): boolean {
  if (!(err instanceof OAuthError)) return false;
  return (
    err.errorCode !== 'too_many_requests' &&
    err.errorCode !== 'temporarily_unavailable' &&
    err.errorCode !== 'server_error'
  );
}

/** Throws 429 (with Retry-After on `res`) when `decision` is a refusal. */
export function enforce(res: Response, decision: RateDecision, message: string): void {
  if (decision.allowed) return;
  setRetryAfter(res, decision.retryAfterS);
  throw new TooManyRequestsError(`${message}; try again in ${decision.retryAfterS} s`);
}

/** The per-credential budget as the token grants use it. */
export function credentialCharger(res: Response, limits: TokenLimits): (key: string) => Promise<void> {
  return async (key) =>
    enforce(res, await limits.perCredential.consume(key), 'too many token requests for this sign-in');
}
