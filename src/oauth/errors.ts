/**
 * OAuth errors and their one mapping to the wire (RFC 6749 §5.2, RFC 7591 §3.2.2,
 * RFC 7009 §2.2.1). Handlers throw; `sendOAuthError` is the only place that writes an
 * OAuth error body. The SDK's error classes are reused so codes match its clients.
 */
import type { Response } from 'express';
import { OAuthError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { setRetryAfter } from '../http/unavailable.js';
import { isUnavailable, retryAfterOf } from '../errors.js';

export {
  OAuthError,
  InvalidRequestError,
  InvalidClientError,
  InvalidGrantError,
  UnauthorizedClientError,
  UnsupportedGrantTypeError,
  InvalidScopeError,
  AccessDeniedError,
  ServerError,
  TemporarilyUnavailableError,
  UnsupportedResponseTypeError,
  UnsupportedTokenTypeError,
  InvalidClientMetadataError,
  InvalidTargetError,
  TooManyRequestsError,
} from '@modelcontextprotocol/sdk/server/auth/errors.js';

/** RFC 7591 §3.2.2: a redirect URI the server refuses. */
export class InvalidRedirectUriError extends OAuthError {
  static override errorCode = 'invalid_redirect_uri';
}

const STATUS: Record<string, number> = {
  invalid_client: 401,
  invalid_token: 401,
  insufficient_scope: 403,
  too_many_requests: 429,
  server_error: 500,
  temporarily_unavailable: 503,
};

/**
 * Writes an OAuth error response. Unknown errors become `server_error` without any
 * detail on the wire (the caller logs them); store or OSC outages become 503 with
 * `Retry-After`, never 401 or 500 (docs/architecture.md, "Storage").
 */
export function sendOAuthError(res: Response, err: unknown, extraHeaders: Record<string, string> = {}): void {
  res.set('Cache-Control', 'no-store');
  res.set('Pragma', 'no-cache');
  for (const [k, v] of Object.entries(extraHeaders)) res.set(k, v);
  if (isUnavailable(err)) {
    setRetryAfter(res, retryAfterOf(err));
    res.status(503).json({
      error: 'temporarily_unavailable',
      error_description: 'the service is temporarily unavailable, try again shortly',
    });
    return;
  }
  if (err instanceof OAuthError) {
    const status = STATUS[err.errorCode] ?? 400;
    if (status === 401 && err.errorCode === 'invalid_client') res.set('WWW-Authenticate', 'Basic realm="osc-mcp"');
    // Every 429 says when to come back (RFC 6585 §4); the limiter usually set the exact value.
    if (status === 429 && !res.get('Retry-After')) setRetryAfter(res);
    res.status(status).json(err.toResponseObject());
    return;
  }
  res.status(500).json({ error: 'server_error', error_description: 'internal error' });
}
