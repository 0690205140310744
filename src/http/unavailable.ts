/**
 * "A dependency is down" — the store (Redis) or OSC — is one condition with one answer on
 * every route: 503 with Retry-After, never 401 or 500 (DESIGN §3, T30).
 */
import type { Response } from 'express';
import { sendErrorPage } from './page-headers.js';
import { isUnavailable } from '../errors.js';

/** Seconds a client should wait before retrying. */
export const RETRY_AFTER_S = 1;

/** For browser pages: a local 503 page when a dependency is down; anything else is rethrown. */
export function sendUnavailablePageOrThrow(res: Response, err: unknown, message = 'The service is temporarily unavailable. Please try again in a moment.'): void {
  if (!isUnavailable(err)) throw err;
  res.set('Retry-After', String(RETRY_AFTER_S));
  sendErrorPage(res, 503, 'Temporarily unavailable', message);
}
