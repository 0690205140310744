/**
 * Handlers return a `Reply` instead of writing to the response, so route.ts can run the
 * real operation and still answer with an injected fault (`commit`, faults.ts).
 */
import type { Response } from 'express';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON with `application/json` when set. */
  json?: unknown;
  /** Sent as-is; `contentType` says what it is. */
  text?: string;
  contentType?: string;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  status,
  json: body,
  ...(headers ? { headers } : {}),
});

/** OSC services answer errors as `{reason}` (src/emulator/README.md; the SDK reads `message ?? reason`). */
export const reason = (status: number, text: string): Reply => json(status, { reason: text });

export const text = (status: number, body: string, contentType = 'text/plain; charset=utf-8'): Reply => ({
  status,
  text: body,
  contentType,
});

export const html = (status: number, body: string): Reply => ({
  status,
  text: body,
  contentType: 'text/html; charset=utf-8',
  headers: {
    'Cache-Control': 'no-store',
    'Content-Security-Policy':
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; frame-ancestors 'none'",
    'X-Frame-Options': 'DENY',
  },
});

export const noContent = (): Reply => ({ status: 204 });

export const redirect = (location: string): Reply => ({
  status: 302,
  headers: { Location: location, 'Cache-Control': 'no-store' },
});

/** RFC 6749 §5.2 error body, never cached. */
export const oauthError = (
  status: number,
  error: string,
  description: string,
  headers?: Record<string, string>,
): Reply =>
  json(
    status,
    { error, error_description: description },
    { 'Cache-Control': 'no-store', Pragma: 'no-cache', ...headers },
  );

/** The nginx ingress page OSC answers for a missing/bad/expired SAT (src/emulator/README.md). */
export const unauthorizedHtml = (): Reply => ({
  status: 401,
  text: '<html>401 Authorization Required</html>',
  contentType: 'text/html',
});

export function send(res: Response, reply: Reply): void {
  if (res.headersSent || res.writableEnded) return;
  res.status(reply.status);
  for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
  if (reply.json !== undefined) {
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(reply.json));
  } else if (reply.text !== undefined) {
    res.setHeader('Content-Type', reply.contentType ?? 'text/plain; charset=utf-8');
    res.end(reply.text);
  } else {
    res.end();
  }
}
