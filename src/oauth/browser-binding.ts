/**
 * The browser-binding cookie (MCP security best practices "Consent Cookie Security";
 * OAUTH-14, OAUTH-17): `__Host-` prefixed, Secure, HttpOnly, SameSite=Lax. The consent POST and the
 * OSC callback must come from the browser that saw the consent page. Browsers accept
 * Secure cookies on http://localhost and 127.0.0.1 (potentially trustworthy origins),
 * so the sandbox keeps the prefix too.
 */
import type { Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import { hashSecret } from '../storage/hash.js';

export const BROWSER_COOKIE = '__Host-oscmcp-browser';

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** The hash of this browser's binding value, creating the cookie when absent. */
export function bindBrowser(req: Request, res: Response): string {
  let value = readCookie(req, BROWSER_COOKIE);
  if (!value || !/^[A-Za-z0-9_-]{43}$/.test(value)) {
    value = randomBytes(32).toString('base64url');
    res.append('Set-Cookie', `${BROWSER_COOKIE}=${value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=3600`);
  }
  return hashSecret(value);
}

/** The hash of the binding value this request carries, if any. */
export function browserHashOf(req: Request): string | undefined {
  const value = readCookie(req, BROWSER_COOKIE);
  return value ? hashSecret(value) : undefined;
}
