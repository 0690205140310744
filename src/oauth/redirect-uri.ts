/**
 * Redirect URI policy (OAUTH-08, OAUTH-09, OAUTH-13; docs/architecture.md, "The two OAuth legs").
 *
 * Registration: absolute, no fragment, no wildcard, no control characters; `https`
 * anywhere; `http` only on loopback (RFC 8252 §7.3); private-use schemes only for the
 * known callbacks of real clients. Authorization: exact string match, except that a
 * loopback URI may differ in port (RFC 8252 §7.3). `localhost` and `127.0.0.1` never
 * stand in for each other.
 */

/** Private-use-scheme callbacks of clients we know (docs/architecture.md, "The two OAuth legs"). Exact strings only. */
export const KNOWN_PRIVATE_USE_CALLBACKS: readonly string[] = ['cursor://anysphere.cursor-mcp/oauth/callback'];

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

/** Why a redirect URI is refused at registration, or undefined when it is acceptable. */
export function redirectUriProblem(raw: string): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2000)
    return 'must be a non-empty string of at most 2000 characters';
  // Control characters, whitespace and backslashes are how scheme filters get bypassed
  // (`\tjavascript:`, `java\0script:`): refuse them outright rather than normalise.
  if (/[\u0000-\u0020\u007f-\u009f\\]/.test(raw)) return 'must not contain whitespace or control characters';
  if (raw.includes('*')) return 'must not contain wildcards';
  if (KNOWN_PRIVATE_USE_CALLBACKS.includes(raw)) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URI';
  }
  if (url.hash || raw.includes('#')) return 'must not contain a fragment';
  if (url.username || url.password) return 'must not contain credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  if (url.protocol === 'http:') return 'http is allowed only for loopback addresses';
  return 'scheme not allowed';
}

function withoutPort(url: URL): string {
  return `${url.protocol}//${url.hostname}${url.pathname}${url.search}`;
}

/** Does the requested redirect URI match one the client registered? */
export function matchRedirectUri(requested: string, registered: readonly string[]): boolean {
  if (registered.includes(requested)) return true;
  let req: URL;
  try {
    req = new URL(requested);
  } catch {
    return false;
  }
  if (
    req.protocol !== 'http:' ||
    !isLoopbackHost(req.hostname) ||
    req.username ||
    req.password ||
    requested.includes('#')
  ) {
    return false;
  }
  // The serialisation must be what the client sent, so `%63b` never equals `cb`.
  if (req.href !== requested && req.href !== `${requested}/`) return false;
  return registered.some((r) => {
    try {
      const reg = new URL(r);
      return reg.protocol === 'http:' && isLoopbackHost(reg.hostname) && withoutPort(reg) === withoutPort(req);
    } catch {
      return false;
    }
  });
}
