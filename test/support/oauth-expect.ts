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

type ExpectedError = { redirectUri: string; issuer: string; error: string; state?: string };

/** The answer's URL: the client's redirect URI with the error, exactly one iss, the state, and no code. */
function expectErrorAnswer(answer: URL, o: ExpectedError): URL {
  expect(`${answer.origin}${answer.pathname}`).toBe(
    `${new URL(o.redirectUri).origin}${new URL(o.redirectUri).pathname}`,
  );
  expect(answer.searchParams.get('error')).toBe(o.error);
  expect(answer.searchParams.getAll('iss')).toEqual([o.issuer]);
  expect(answer.searchParams.get('code')).toBeNull();
  if (o.state !== undefined) expect(answer.searchParams.getAll('state')).toEqual([o.state]);
  return answer;
}

/** An authorization error sent back to the client: a 303 to `redirectUri` with error, state and exactly one iss. */
export function expectClientError(res: Response, o: ExpectedError): URL {
  expect(res.status).toBe(303);
  return expectErrorAnswer(new URL(res.headers.get('location') ?? 'about:blank'), o);
}

/**
 * An authorization error for a client whose redirect URI is unverified (POLICY-02): our 400
 * page, no Location, the redirect host named, and the answer (error, state, exactly one iss)
 * only as a link the person may follow. Returns the link.
 */
export async function expectClientErrorPage(res: Response, o: ExpectedError): Promise<URL> {
  const html = await expectLocalError(res);
  expect(html).toContain(`id="redirect-host">${new URL(o.redirectUri).host}<`);
  const href = /id="client-link" rel="noreferrer" href="([^"]+)"/.exec(html)?.[1];
  expect(href, html.slice(0, 400)).toBeDefined();
  return expectErrorAnswer(new URL(href!.replace(/&#(\d+);/g, (_m, c: string) => String.fromCharCode(Number(c)))), o);
}
