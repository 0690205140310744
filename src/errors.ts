/**
 * The failures every layer shares, at the bottom of the import graph (docs/architecture.md,
 * "Layers"). Each carries a `kind`; callers branch on `kind` or `instanceof`, never on
 * `name`. The wire forms live in one writer per protocol: src/http/unavailable.ts (503 +
 * Retry-After), src/http/json-rpc.ts (JSON-RPC errors), src/oauth/errors.ts (OAuth errors),
 * src/mcp/failure.ts (tool results a model reads).
 *
 * A message is our own wording and may reach a model; what OSC said is kept only in
 * `detail`, scrubbed and truncated, for logs (docs/security.md, SECRETS-03).
 */
import { scrub } from './log.js';

export type ErrorKind =
  | 'store_unavailable'
  | 'upstream_unavailable'
  | 'grant_revoked'
  | 'seal'
  | 'not_subscribed'
  | 'osc_invalid_grant'
  | 'osc_invalid_client'
  | 'tool_input'
  | 'update_not_supported'
  | UpstreamKind;

export type UpstreamKind =
  | 'upstream_auth'
  | 'upstream_client'
  | 'upstream_not_found'
  | 'upstream_conflict'
  | 'upstream_rate_limited'
  | 'upstream_server'
  | 'upstream_timeout'
  | 'upstream_network'
  | 'upstream_bad_response';

/** Base of every failure osc-mcp names itself. */
export abstract class OscMcpError extends Error {
  abstract readonly kind: ErrorKind;
}

/** The kind of an error we raised, or undefined for anything else (a bug, a library error). */
export function kindOf(err: unknown): ErrorKind | undefined {
  return err instanceof OscMcpError ? err.kind : undefined;
}

/** Thrown by a store adapter when its backend cannot answer (Redis down, timeout). Mapped to 503. */
export class StoreUnavailableError extends OscMcpError {
  readonly kind = 'store_unavailable' as const;
  override readonly name = 'StoreUnavailableError';
  constructor(cause?: unknown) {
    super('the token store is unavailable', { cause });
  }
}

/** OSC could not be reached or answered 5xx while refreshing or signing in: keep the tokens, answer 503. */
export class UpstreamUnavailableError extends OscMcpError {
  readonly kind = 'upstream_unavailable' as const;
  override readonly name = 'UpstreamUnavailableError';
  /** When we know how long to wait (a registration backoff), the Retry-After in seconds. */
  readonly retryAfterS: number | undefined;
  constructor(message = 'OSC is unavailable', options?: { cause?: unknown; retryAfterS?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterS = options?.retryAfterS;
  }
}

/** The Retry-After an unavailable error asks for, when it names one. */
export function retryAfterOf(err: unknown): number | undefined {
  return err instanceof UpstreamUnavailableError ? err.retryAfterS : undefined;
}

/** "A dependency is down": the one condition answered 503 + Retry-After on every route. */
export function isUnavailable(err: unknown): err is StoreUnavailableError | UpstreamUnavailableError {
  const k = kindOf(err);
  return k === 'store_unavailable' || k === 'upstream_unavailable';
}

/** The grant is dead (OSC refused the refresh, or answered 401 twice): re-authorize. */
export class GrantRevokedError extends OscMcpError {
  readonly kind = 'grant_revoked' as const;
  override readonly name = 'GrantRevokedError';
  /** The grant's stored OSC tokens were tampered with: the grant itself must go. */
  readonly tampered: boolean;
  constructor(message = 'the OSC authorization is no longer valid', opts: { tampered?: boolean } = {}) {
    super(message);
    this.tampered = opts.tampered ?? false;
  }
}

export type SealErrorReason = 'malformed' | 'unknown-key' | 'auth-failed';

/**
 * A sealed blob could not be opened. Fixed message per reason: never the plaintext, the key
 * or the blob (docs/security.md, SECRETS-05).
 */
export class SealError extends OscMcpError {
  readonly kind = 'seal' as const;
  override readonly name = 'SealError';
  constructor(readonly reason: SealErrorReason) {
    super(`sealed value could not be opened (${reason})`);
  }
}

/**
 * A read or a write named a service the workspace is not subscribed to. Reads never
 * subscribe (src/osc/sdk-platform.ts says why).
 */
export class ServiceNotSubscribedError extends OscMcpError {
  readonly kind = 'not_subscribed' as const;
  override readonly name = 'ServiceNotSubscribedError';
  constructor(readonly serviceId: string) {
    super(`the workspace is not subscribed to service ${serviceId}`);
  }
}

/**
 * The service takes no option changes on a running instance: OSC answers the PATCH with its
 * router's own 404 (src/emulator/README.md, PATCH row), not the `{reason}` of a missing instance.
 */
export class UpdateNotSupportedError extends OscMcpError {
  readonly kind = 'update_not_supported' as const;
  override readonly name = 'UpdateNotSupportedError';
  constructor(readonly serviceId: string) {
    super(`service ${serviceId} does not support updating an instance`);
  }
}

/** OSC refused the grant (RFC 6749 §5.2 `invalid_grant`): the refresh token or code is dead. */
export class OscInvalidGrantError extends OscMcpError {
  readonly kind = 'osc_invalid_grant' as const;
  override readonly name = 'OscInvalidGrantError';
}

/** OSC does not know our client (expired dynamic registration): register again. */
export class OscInvalidClientError extends OscMcpError {
  readonly kind = 'osc_invalid_client' as const;
  override readonly name = 'OscInvalidClientError';
}

const DETAIL_MAX = 300;

/**
 * The typed upstream family, made by one factory (src/osc/upstream-errors.ts).
 * `transient` says whether a read may be tried again (src/osc/retry.ts).
 */
export abstract class UpstreamError extends OscMcpError {
  abstract override readonly kind: UpstreamKind;
  /** HTTP status OSC answered, when it answered. */
  readonly status: number | undefined;
  /** Internal, scrubbed upstream text for logs. Never shown to a model. */
  readonly detail: string | undefined;
  constructor(message: string, opts: { status?: number; detail?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.status = opts.status;
    this.detail = opts.detail === undefined ? undefined : scrub(opts.detail).slice(0, DETAIL_MAX);
  }
  get transient(): boolean {
    return false;
  }
}

/**
 * One member of the family: its kind, its name, and whether a read may be tried again.
 * Each exported class below is one line, so the family reads as a table.
 */
function upstream<K extends UpstreamKind>(kind: K, name: string, transient: boolean) {
  return class extends UpstreamError {
    readonly kind: K = kind;
    override readonly name: string = name;
    override get transient(): boolean {
      return transient;
    }
  };
}

/** 401: OSC refused the PAT or the service access token. */
export class UpstreamAuthError extends upstream('upstream_auth', 'UpstreamAuthError', false) {}
/** 4xx that is not one of the more specific classes below. */
export class UpstreamClientError extends upstream('upstream_client', 'UpstreamClientError', false) {}
export class UpstreamNotFoundError extends upstream('upstream_not_found', 'UpstreamNotFoundError', false) {}
export class UpstreamConflictError extends upstream('upstream_conflict', 'UpstreamConflictError', false) {}
/** 5xx: transient. */
export class UpstreamServerError extends upstream('upstream_server', 'UpstreamServerError', true) {}
/** No answer in time: a per-call timeout or the tool's deadline. The outcome is unknown. */
export class UpstreamTimeoutError extends upstream('upstream_timeout', 'UpstreamTimeoutError', false) {}
/** Connection refused/reset, DNS failure: the request most likely never arrived. */
export class UpstreamNetworkError extends upstream('upstream_network', 'UpstreamNetworkError', true) {}
/** 2xx with a body we cannot use: not JSON, missing fields, over the size cap (UPSTREAM-11). */
export class UpstreamBadResponseError extends upstream('upstream_bad_response', 'UpstreamBadResponseError', false) {}

/** 429: transient, with OSC's `Retry-After` (RFC 9110 §10.2.3) when it sent one. */
export class UpstreamRateLimitedError extends upstream('upstream_rate_limited', 'UpstreamRateLimitedError', true) {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, opts: { status?: number; detail?: string; retryAfterMs?: number } = {}) {
    super(message, opts);
    this.retryAfterMs = opts.retryAfterMs;
  }
}
