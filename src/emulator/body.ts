/**
 * Request bodies arrive as raw text (server.ts), so a malformed body becomes a proper error
 * reply, never an exception. JSON and form encoding are both understood: the token endpoint
 * takes form bodies (src/emulator/README.md) and, leniently, JSON.
 */
import type { Request } from 'express';

export type Body = Record<string, unknown>;

/** The parsed body; `{}` when there is none; undefined when it cannot be parsed. */
export function parseBody(req: Request): Body | undefined {
  const raw: unknown = req.body;
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw !== 'string') return undefined;
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (type.includes('application/x-www-form-urlencoded')) {
    const out: Body = {};
    for (const [k, v] of new URLSearchParams(raw)) {
      // RFC 6749 §3.2: parameters MUST NOT be included more than once.
      if (k in out) return undefined;
      out[k] = v;
    }
    return out;
  }
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Body) : undefined;
  } catch {
    return undefined;
  }
}

/** A string field, or undefined when absent or not a string. */
export function str(body: Body, key: string): string | undefined {
  const v = body[key];
  return typeof v === 'string' ? v : undefined;
}
