/**
 * The shapes our OAuth answers must have, asserted in one place: the 401 challenge
 * (RFC 6750 §3, RFC 9728 §5.1), a local error page (RFC 6749 §4.1.2.1: never a redirect to an
 * unvalidated URI), and an error sent back to the client with `state` and one `iss`
 * (RFC 9207 §2).
 */
import { expect } from 'vitest';

export function resourceMetadataUrl(base: string): string {
  return `${base}/.well-known/oauth-protected-resource/mcp`;
}

/**
 * The catalog's "challenge": 401 with `WWW-Authenticate: Bearer error="invalid_token",
 * resource_metadata="<PUBLIC_URL>/.well-known/oauth-protected-resource/mcp"`.
 * `credentialless: true` is for requests carrying no credential our RS understands (no
 * header, a query parameter, another scheme): RFC 6750 §3.1 says the error code SHOULD
 * then be left out (OAUTH-03 asserts that shape), so it may be absent, and if present
 * must still be invalid_token.
 */
export async function expectChallenge(
  res: Response,
  base: string,
  o: { credentialless?: boolean } = {},
): Promise<void> {
  const body = await res.text();
  expect(res.status, body).toBe(401);
  const www = res.headers.get('www-authenticate') ?? '';
  expect(www).toMatch(/^Bearer /);
  expect(www).toContain(`resource_metadata="${resourceMetadataUrl(base)}"`);
  if (o.credentialless) {
    const err = /error="([^"]*)"/.exec(www)?.[1];
    if (err !== undefined) expect(err).toBe('invalid_token');
  } else {
    expect(www).toContain('error="invalid_token"');
  }
  expect(body).not.toMatch(/at .*\.[jt]s:\d+/);
}

/** The catalog's "local error": a 400 HTML page, no Location header. */
export async function expectLocalError(res: Response, status = 400): Promise<string> {
  const body = await res.text();
  expect(res.status, body.slice(0, 300)).toBe(status);
  expect(res.headers.get('location')).toBeNull();
  expect(res.headers.get('content-type') ?? '').toMatch(/text\/html/);
  return body;
}

/** An authorization error sent back to the client: a 303 to `redirectUri` with error, state and exactly one iss. */
export function expectClientError(
  res: Response,
  o: { redirectUri: string; issuer: string; error: string; state?: string },
): URL {
  expect(res.status).toBe(303);
  const loc = new URL(res.headers.get('location') ?? 'about:blank');
  expect(`${loc.origin}${loc.pathname}`).toBe(`${new URL(o.redirectUri).origin}${new URL(o.redirectUri).pathname}`);
  expect(loc.searchParams.get('error')).toBe(o.error);
  expect(loc.searchParams.getAll('iss')).toEqual([o.issuer]);
  expect(loc.searchParams.get('code')).toBeNull();
  if (o.state !== undefined) expect(loc.searchParams.getAll('state')).toEqual([o.state]);
  return loc;
}
