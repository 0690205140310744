/**
 * Redirects back to the client, only to a redirect URI already validated against the
 * client's registration (OAUTH-09). Every authorization response, success or error, carries
 * `iss` (RFC 9207 §2) and the client's `state` unchanged. 303, never 307 (BCP §4.12).
 */
import type { Response } from 'express';

export function redirectToClient(
  res: Response,
  redirectUri: string,
  issuer: string,
  params: { code?: string; error?: string; error_description?: string; state?: string },
): void {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  url.searchParams.set('iss', issuer);
  res.set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer').redirect(303, url.toString());
}
