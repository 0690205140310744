/**
 * Typed upstream errors, made by ONE factory (`toUpstreamError`), in the style of
 * sentry-mcp's `ApiError` family (style.md §2 C, §4.3). A message is our own wording and
 * may reach a model; what OSC said is kept only in `detail`, scrubbed and truncated, for
 * logs (security-catalog T21, SECRETS-03; sentry-mcp "NEVER return untrusted error
 * messages to AI agents").
 */
import { scrub } from '../log.js';

const DETAIL_MAX = 300;

export abstract class UpstreamError extends Error {
  /** HTTP status OSC answered, when it answered. */
  readonly status: number | undefined;
  /** Internal, scrubbed upstream text for logs. Never shown to a model. */
  readonly detail: string | undefined;
  constructor(message: string, opts: { status?: number; detail?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.status = opts.status;
    this.detail = opts.detail === undefined ? undefined : scrub(opts.detail).slice(0, DETAIL_MAX);
  }
  /** Whether a read may be tried again (retry.ts; T29). */
  get transient(): boolean {
    return false;
  }
}

/** 401: OSC refused the PAT or the service access token. */
export class UpstreamAuthError extends UpstreamError {
  override readonly name = 'UpstreamAuthError';
}
/** 4xx that is not one of the more specific classes below. */
export class UpstreamClientError extends UpstreamError {
  override readonly name = 'UpstreamClientError';
}
export class UpstreamNotFoundError extends UpstreamError {
  override readonly name = 'UpstreamNotFoundError';
}
export class UpstreamConflictError extends UpstreamError {
  override readonly name = 'UpstreamConflictError';
}
export class UpstreamRateLimitedError extends UpstreamError {
  override readonly name = 'UpstreamRateLimitedError';
  /** From `Retry-After` (RFC 9110 §10.2.3), when OSC sent one. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, opts: { status?: number; detail?: string; retryAfterMs?: number } = {}) {
    super(message, opts);
    this.retryAfterMs = opts.retryAfterMs;
  }
  override get transient(): boolean {
    return true;
  }
}
export class UpstreamServerError extends UpstreamError {
  override readonly name = 'UpstreamServerError';
  override get transient(): boolean {
    return true;
  }
}
/** No answer in time: a per-call timeout or the tool's deadline. The outcome is unknown. */
export class UpstreamTimeoutError extends UpstreamError {
  override readonly name = 'UpstreamTimeoutError';
}
/** Connection refused/reset, DNS failure: the request most likely never arrived. */
export class UpstreamNetworkError extends UpstreamError {
  override readonly name = 'UpstreamNetworkError';
  override get transient(): boolean {
    return true;
  }
}
/** 2xx with a body we cannot use: not JSON, missing fields, over the size cap (UPSTREAM-11). */
export class UpstreamBadResponseError extends UpstreamError {
  override readonly name = 'UpstreamBadResponseError';
}

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
    return new UpstreamRateLimitedError('OSC is rate limiting requests', { ...o, retryAfterMs: parseRetryAfter(r.retryAfter) });
  }
  if (r.status >= 400 && r.status < 500) return new UpstreamClientError('OSC refused the request', o);
  if (r.status >= 500) return new UpstreamServerError('OSC failed to handle the request', o);
  return new UpstreamBadResponseError('OSC sent an unexpected response', o);
}

function codeOf(err: unknown): string | undefined {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

/**
 * The single factory. Accepts a status reply of a direct call, the SDK's `FetchError`
 * (duck-typed on `httpCode`, so this file needs no SDK import), fetch/undici failures,
 * abort reasons and parse failures. `cause` is an undici error captured beside the SDK,
 * which drops it (osc-api.md B "SDK error behaviour").
 */
export function toUpstreamError(input: unknown, cause?: unknown): UpstreamError {
  if (input instanceof UpstreamError) return input;
  if (typeof input === 'object' && input !== null && typeof (input as UpstreamReply).status === 'number' && !(input instanceof Error)) {
    return fromStatus(input as UpstreamReply);
  }
  if (input instanceof Error && 'httpCode' in input) {
    const httpCode = (input as { httpCode?: unknown }).httpCode;
    if (typeof httpCode === 'number') return fromStatus({ status: httpCode, body: input.message });
    return toUpstreamError(cause ?? new TypeError('fetch failed'));
  }
  const name = (input as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new UpstreamTimeoutError('OSC did not answer in time', { cause: input });
  }
  if (input instanceof SyntaxError || name === 'ZodError') {
    return new UpstreamBadResponseError('OSC sent a response we could not read', { cause: input });
  }
  const inner = input instanceof Error && input.cause !== undefined ? input.cause : input;
  const code = codeOf(inner);
  if (code && TIMEOUT_CODES.has(code)) return new UpstreamTimeoutError('OSC did not answer in time', { cause: inner });
  if (code && TOO_LARGE_CODES.has(code)) return new UpstreamBadResponseError('OSC sent an oversized response', { cause: inner });
  const innerName = (inner as { name?: unknown } | null)?.name;
  if (innerName === 'TimeoutError' || innerName === 'AbortError') {
    return new UpstreamTimeoutError('OSC did not answer in time', { cause: inner });
  }
  return new UpstreamNetworkError('OSC could not be reached', { cause: inner });
}
