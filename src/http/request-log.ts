/**
 * One log line per request: method, path, status, duration, request id. Query values that
 * carry secrets or single-use values, and the secret pages' links, are replaced by `[redacted]`
 * (BCP §4.3; SECRETS-08, SECRET-09).
 */
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';

const SENSITIVE = new Set([
  'code',
  'state',
  'code_verifier',
  'code_challenge',
  'access_token',
  'refresh_token',
  'token',
  'client_secret',
  'csrf',
  'pending',
]);

/**
 * Our secret pages carry their link in the path (`/secrets/enter/<id>`, `/secrets/connection/<id>`,
 * src/secrets/router.ts): a link is a capability for its owner, so the log names the page, not the link.
 */
const LINK_PATH = /^\/secrets\/(enter|connection)\/[^/?#]+/;

/** The request target with sensitive query values and secret-page links redacted. */
export function redactedUrl(target: string): string {
  const originalUrl = target.replace(LINK_PATH, '/secrets/$1/[redacted]');
  const q = originalUrl.indexOf('?');
  if (q < 0) return originalUrl;
  // One pass over the pairs, the rest kept as sent. `params.set` per sensitive key rescanned
  // every pair (quadratic in the pair count, REDOS-04).
  const pairs = originalUrl
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      return SENSITIVE.has(decodeKey(key).toLowerCase()) ? `${key}=[redacted]` : pair;
    });
  return `${originalUrl.slice(0, q)}?${pairs.join('&')}`;
}

/** A query key as URLSearchParams reads it ('+' is a space; bad escapes kept as sent). */
function decodeKey(key: string): string {
  // Most keys are plain names: nothing to decode, no exception path to set up.
  if (!key.includes('%') && !key.includes('+')) return key;
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}

export function requestLog(log: Logger) {
  return function logRequest(req: Request, res: Response, next: NextFunction): void {
    const id = randomUUID();
    res.locals.requestId = id;
    // Below info (LOG_LEVEL=warn, the tests' error level) the line would be built and dropped:
    // no listener, no redaction.
    if (!log.isLevelEnabled('info')) {
      next();
      return;
    }
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.info(
        {
          event: 'http',
          requestId: id,
          method: req.method,
          url: redactedUrl(req.originalUrl),
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
          clientId: req.auth?.clientId,
          // Set by the /mcp route (src/mcp/route.ts): the protocol era and a bounded method label.
          mcp: res.locals.mcpEra ? { era: res.locals.mcpEra, method: res.locals.mcpMethod } : undefined,
          userAgent: req.headers['user-agent'],
        },
        'request',
      );
    });
    next();
  };
}
