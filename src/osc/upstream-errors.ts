/**
 * The one factory that turns whatever a call to OSC failed with into the typed upstream
 * family of src/errors.ts. It accepts a status reply of a direct call, the SDK's
 * `FetchError` (duck-typed on `httpCode`, so this file needs no SDK import), fetch/undici
 * failures, abort reasons and parse failures.
 */
import { z } from 'zod';
import {
  OscMcpError,
  UpstreamAuthError,
  UpstreamBadResponseError,
  UpstreamClientError,
  UpstreamConflictError,
  UpstreamError,
  UpstreamNetworkError,
  UpstreamNotFoundError,
  UpstreamRateLimitedError,
  UpstreamServerError,
  UpstreamTimeoutError,
} from '../errors.js';

/** What a direct call knows when OSC answered with a non-2xx status. */
export interface UpstreamReply {
  status: number;
  body?: string;
  /** Raw `Retry-After` header value. */
  retryAfter?: string | null;
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const TOO_LARGE_CODES = new Set(['UND_ERR_RES_EXCEEDED_MAX_SIZE', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH']);

/** `Retry-After` as delay-seconds or an HTTP date, in ms; undefined when absent or unparseable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function fromStatus(r: UpstreamReply): UpstreamError {
  const o = { status: r.status, detail: r.body };
  if (r.status === 401) return new UpstreamAuthError('OSC did not accept the credentials for this request', o);
  if (r.status === 404) return new UpstreamNotFoundError('OSC did not find what was asked for', o);
  if (r.status === 409) return new UpstreamConflictError('OSC reported a conflict', o);
  if (r.status === 429) {
    return new UpstreamRateLimitedError('OSC is rate limiting requests', {
      ...o,
      retryAfterMs: parseRetryAfter(r.retryAfter),
    });
  }
  if (r.status >= 400 && r.status < 500) return new UpstreamClientError('OSC refused the request', o);
  if (r.status >= 500) return new UpstreamServerError('OSC failed to handle the request', o);
  return new UpstreamBadResponseError('OSC sent an unexpected response', o);
}

function codeOf(err: unknown): string | undefined {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

/** Error codes of an abort raised by undici (`RequestAbortedError`) or by Node itself. */
const ABORT_CODES = new Set(['UND_ERR_ABORTED', 'ABORT_ERR']);

/**
 * An abort or a timeout raised by the platform, not by us: the DOMException an AbortSignal
 * carries (DOMException has no subclasses; its legacy `code` tells an abort, 20, from a
 * timeout, 23: WHATWG DOM "error names" table), or undici's and Node's abort errors, known by
 * their error code.
 */
function isAbort(err: unknown): boolean {
  if (err instanceof DOMException) return err.code === DOMException.ABORT_ERR || err.code === DOMException.TIMEOUT_ERR;
  const code = codeOf(err);
  return code !== undefined && ABORT_CODES.has(code);
}

/**
 * The single factory. `cause` is an undici error captured beside the SDK, which drops it
 * (src/osc/dispatcher.ts keeps it on the request's scope).
 */
export function toUpstreamError(input: unknown, cause?: unknown): UpstreamError {
  if (input instanceof UpstreamError) return input;
  if (
    typeof input === 'object' &&
    input !== null &&
    typeof (input as UpstreamReply).status === 'number' &&
    !(input instanceof Error)
  ) {
    return fromStatus(input as UpstreamReply);
  }
  if (input instanceof Error && 'httpCode' in input) {
    const httpCode = (input as { httpCode?: unknown }).httpCode;
    if (typeof httpCode === 'number') return fromStatus({ status: httpCode, body: input.message });
    return toUpstreamError(cause ?? new TypeError('fetch failed'));
  }
  if (isAbort(input)) return new UpstreamTimeoutError('OSC did not answer in time', { cause: input });
  if (input instanceof SyntaxError || input instanceof z.ZodError) {
    return new UpstreamBadResponseError('OSC sent a response we could not read', { cause: input });
  }
  const inner = input instanceof Error && input.cause !== undefined ? input.cause : input;
  if (inner instanceof UpstreamError) return inner; // the boundary's own refusals (./egress.ts)
  const code = codeOf(inner);
  if (code && TIMEOUT_CODES.has(code)) return new UpstreamTimeoutError('OSC did not answer in time', { cause: inner });
  if (code && TOO_LARGE_CODES.has(code))
    return new UpstreamBadResponseError('OSC sent an oversized response', { cause: inner });
  if (isAbort(inner)) return new UpstreamTimeoutError('OSC did not answer in time', { cause: inner });
  return new UpstreamNetworkError('OSC could not be reached', { cause: inner });
}

/**
 * Our own errors (grant revoked, store down, not subscribed, typed upstream) pass
 * unchanged; so do our own argument checks (RangeError, e.g. an instance name the SDK
 * would put in a URL unencoded). Anything else is typed by the factory.
 */
export function toUpstreamErrorUnlessOurs(err: unknown): Error {
  if (err instanceof OscMcpError || err instanceof RangeError) return err;
  return toUpstreamError(err);
}
