/**
 * Who is calling a platform host (catalog, token, money, deploy). The PAT travels in
 * `x-pat-jwt: Bearer <PAT>` (src/emulator/README.md); `Authorization: Bearer` is not
 * accepted there (OSC documents it only for mcp.osaas.io, which is out of scope).
 * Answers mirror what OSC is reported to send: 401 `{"error":"missing authorization
 * header"}` / `{"error":"invalid authorization header"}` (src/emulator/README.md),
 * and the 500 FST_ERR_FAILED_ERROR_SERIALIZATION for a header that is present but not
 * `Bearer <token>` (src/emulator/README.md, list row, OVC note).
 */
import type { Request } from 'express';
import { json, type Reply } from './reply.js';
import type { EmulatorState } from './state.js';
import { verifyPat, type Caller } from './tokens.js';

export function patCaller(state: EmulatorState, req: Request): Caller | Reply {
  const header = req.headers['x-pat-jwt'];
  if (header === undefined) return json(401, { error: 'missing authorization header' });
  const m = typeof header === 'string' ? /^Bearer (\S+)$/.exec(header) : null;
  if (!m) {
    return json(500, {
      statusCode: 500,
      code: 'FST_ERR_FAILED_ERROR_SERIALIZATION',
      error: 'Internal Server Error',
      message: 'Failed to serialize an error. Error: Format is Authorization: Bearer [token].',
    });
  }
  return verifyPat(state, m[1] as string) ?? json(401, { error: 'invalid authorization header' });
}

export function isReply(x: Caller | Reply): x is Reply {
  return 'status' in x;
}

/** The SAT from `x-jwt: Bearer` or `Authorization: Bearer` (src/emulator/README.md). */
export function satFrom(req: Request): string | undefined {
  for (const h of [req.headers['x-jwt'], req.headers.authorization]) {
    if (typeof h !== 'string') continue;
    const m = /^Bearer (\S+)$/i.exec(h.trim());
    if (m) return m[1];
  }
  return undefined;
}
