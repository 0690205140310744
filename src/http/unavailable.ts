/**
 * "Come back later" has one header and one writer: `setRetryAfter` is the only place that
 * sets `Retry-After` (RFC 9110 §10.2.3), for a dependency that is down (503: the store or
 * OSC, never 401 or 500; docs/architecture.md, "Failures") and for a spent budget (429).
 * The protocol bodies come from their own writers: ./json-rpc.ts, src/oauth/errors.ts, and
 * the browser page below.
 */
import type { Response } from 'express';
import { DEFAULTS } from '../defaults.js';
import { isUnavailable, retryAfterOf } from '../errors.js';
import { sendErrorPage } from './page-headers.js';

/** Seconds a client should wait before retrying after a 503. */
export const RETRY_AFTER_S = DEFAULTS.retryAfterS;

/** Sets `Retry-After` in whole seconds, at least 1. */
export function setRetryAfter(res: Response, seconds: number = RETRY_AFTER_S): void {
  res.set('Retry-After', String(Math.max(1, Math.ceil(seconds))));
}

/** For browser pages: a local 503 page when a dependency is down; anything else is rethrown. */
export function sendUnavailablePageOrThrow(
  res: Response,
  err: unknown,
  message = 'The service is temporarily unavailable. Please try again in a moment.',
): void {
  if (!isUnavailable(err)) throw err;
  setRetryAfter(res, retryAfterOf(err));
  sendErrorPage(res, 503, 'Temporarily unavailable', message);
}
