/**
 * Anonymous work is bounded (docs/limits.md, "Anonymous work"; FLOOD-01..06). Every route
 * anyone can reach without a token pays a per-address budget before any work, and every
 * record such a request stores is counted, per address and in total, by counters that live
 * in the store (rate-limiter-flexible over Redis, shared by replicas) with the records'
 * lifetime as their window. Nothing here is keyed by a client id or a user: naming someone
 * costs the sender's address only, so nobody can lock a client or a person out.
 *
 * - pages (`/authorize`, `/consent`, `/connections` without a session, `/oauth/callback`):
 *   browsers, so one address is one person or one office / carrier NAT;
 * - API (`/register`, `/token`, `/revoke`): vendors' egress addresses carrying thousands of
 *   people, so only a high ceiling; the fine budgets follow people (./limits.ts);
 * - records (`pending`, `upstream`, `signin`): a counter per address and one for everybody.
 *
 * Refusals: 429 + Retry-After for an address over its budget; 503 + Retry-After when the
 * total is full (the server is busy, not this caller), each in the route's own form (an HTML
 * page for browser routes, an OAuth error body for the API).
 */
import type { NextFunction, Request, Response } from 'express';
import { isUnavailable } from '../errors.js';
import { sendErrorPage } from '../http/page-headers.js';
import { sendUnavailablePageOrThrow, setRetryAfter } from '../http/unavailable.js';
import { sendOAuthError, TemporarilyUnavailableError, TooManyRequestsError } from './errors.js';
import { addressKey, type Budget } from './limits.js';

export interface AnonymousLimits {
  /** Anonymous browser-page requests per address. */
  pagesPerAddress: Budget;
  /** /register, /token and /revoke requests per address: a ceiling, not a fine budget. */
  apiPerAddress: Budget;
  /** Records anonymous requests create, per address, per record lifetime. */
  recordsPerAddress: Budget;
  /** The same records from everybody, per record lifetime (key `all`). */
  recordsTotal: Budget;
  /** New dynamic registrations from everybody, per hour (key `all`). */
  registrationsTotal: Budget;
}

/** Why a request is refused: the caller's own budget (429) or the server's total (503). */
export interface Refusal {
  status: 429 | 503;
  retryAfterS: number;
}

const TOTAL_KEY = 'all';

/** Spends one of the caller's page requests; undefined when allowed. */
export async function chargePage(limits: AnonymousLimits, req: Request): Promise<Refusal | undefined> {
  const d = await limits.pagesPerAddress.consume(addressKey(req.ip));
  return d.allowed ? undefined : { status: 429, retryAfterS: d.retryAfterS };
}

/**
 * Counts `n` new anonymous records against the caller's address, then against everybody's
 * total. The address is charged first, so one address filling its own share cannot spend
 * the total beyond it.
 */
export async function reserveRecords(limits: AnonymousLimits, req: Request, n = 1): Promise<Refusal | undefined> {
  const mine = await limits.recordsPerAddress.consume(addressKey(req.ip), n);
  if (!mine.allowed) return { status: 429, retryAfterS: mine.retryAfterS };
  const all = await limits.recordsTotal.consume(TOTAL_KEY, n);
  return all.allowed ? undefined : { status: 503, retryAfterS: all.retryAfterS };
}

/** Counts one new registration against everybody's hourly total. */
export async function reserveRegistration(limits: AnonymousLimits): Promise<Refusal | undefined> {
  const all = await limits.registrationsTotal.consume(TOTAL_KEY);
  return all.allowed ? undefined : { status: 503, retryAfterS: all.retryAfterS };
}

/** A refusal as a browser page, with Retry-After. */
export function sendRefusalPage(res: Response, r: Refusal): void {
  setRetryAfter(res, r.retryAfterS);
  res.set('Cache-Control', 'no-store');
  if (r.status === 429)
    sendErrorPage(
      res,
      429,
      'Too many requests',
      `Too many sign-in requests came from your network. Please try again in ${r.retryAfterS} seconds.`,
    );
  else
    sendErrorPage(res, 503, 'Busy', `Too many sign-ins are in progress. Please try again in ${r.retryAfterS} seconds.`);
}

/** A refusal as an OAuth error body (RFC 6749 §5.2 shape), with Retry-After. */
export function oauthRefusal(res: Response, r: Refusal, what: string): Error {
  setRetryAfter(res, r.retryAfterS);
  return r.status === 429
    ? new TooManyRequestsError(`too many ${what} from this address; try again in ${r.retryAfterS} s`)
    : new TemporarilyUnavailableError(`too many ${what} in progress; try again in ${r.retryAfterS} s`);
}

/** Middleware: the page budget in front of a browser route. */
export function pageBudget(limits: AnonymousLimits) {
  return async function anonymousPageBudget(req: Request, res: Response, next: NextFunction): Promise<void> {
    try {
      const refused = await chargePage(limits, req);
      if (refused) return sendRefusalPage(res, refused);
      next();
    } catch (err) {
      sendUnavailablePageOrThrow(res, err);
    }
  };
}

/** Middleware: the per-address ceiling in front of /register, /token, /revoke. */
export function apiBudget(limits: AnonymousLimits) {
  return async function anonymousApiBudget(req: Request, res: Response, next: NextFunction): Promise<void> {
    try {
      const d = await limits.apiPerAddress.consume(addressKey(req.ip));
      if (d.allowed) return next();
      sendOAuthError(res, oauthRefusal(res, { status: 429, retryAfterS: d.retryAfterS }, 'requests'));
    } catch (err) {
      if (!isUnavailable(err)) throw err;
      sendOAuthError(res, err);
    }
  };
}

/** Whether `value` serializes within `maxBytes` (the size cap of an anonymous record). */
export function fitsRecord(value: unknown, maxBytes: number): boolean {
  return Buffer.byteLength(JSON.stringify(value), 'utf8') <= maxBytes;
}

/** What a route that stores an anonymous record needs: the counters and the size cap. */
export interface AnonymousRecords {
  limits: AnonymousLimits;
  /** Largest serialized record (src/defaults.ts `maxAnonRecordBytes`). */
  maxRecordBytes: number;
}

/**
 * Before storing `value` for an anonymous request: 'too_large' past the size cap, a refusal
 * when the caller's or everybody's count is spent, undefined when it may be stored.
 */
export async function admitRecord(
  records: AnonymousRecords,
  req: Request,
  value: unknown,
): Promise<Refusal | 'too_large' | undefined> {
  if (!fitsRecord(value, records.maxRecordBytes)) return 'too_large';
  return reserveRecords(records.limits, req);
}
