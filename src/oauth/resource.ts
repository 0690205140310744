/**
 * The canonical resource URI (RFC 8707 §2; MCP 2025-11-25 authorization "Canonical Server
 * URI"): scheme and host are case-insensitive, a fragment is never allowed, and one
 * trailing slash is not significant.
 */
export function canonicalResource(value: string): string | undefined {
  if (value.includes('#')) return undefined;
  try {
    const url = new URL(value);
    if (url.username || url.password || url.search) return undefined;
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/$/, '')}`;
  } catch {
    return undefined;
  }
}
