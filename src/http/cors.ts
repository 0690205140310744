/**
 * CORS for the routes browser-based MCP clients call: discovery, /register, /token,
 * /revoke and /mcp, never /authorize or the consent page (OAUTH-36,
 * OAUTH-36). Preflight `OPTIONS` is answered here, before any auth, since browsers send
 * it without credentials (docs/architecture.md, "The two OAuth legs"). `Access-Control-Allow-Origin: *` and no
 * credentials: our bearer tokens travel in a header the page sets itself, never in a
 * cookie. `WWW-Authenticate` is exposed, or a browser client never sees the challenge
 * and OAuth never starts (twentyhq/twenty PR #19836); `Mcp-Session-Id` and
 * `MCP-Protocol-Version` too (apify/apify-mcp-server PR #540).
 */
import type { NextFunction, Request, Response } from 'express';

export interface CorsOptions {
  exposeHeaders?: readonly string[];
  allowHeaders?: readonly string[];
  methods?: readonly string[];
  /** How long a browser may cache a preflight (default 10 min). */
  maxAgeS?: number;
}

export const DEFAULT_EXPOSE_HEADERS = ['WWW-Authenticate', 'Mcp-Session-Id', 'MCP-Protocol-Version'] as const;
export const DEFAULT_ALLOW_HEADERS = [
  'Authorization',
  'Content-Type',
  'MCP-Protocol-Version',
  'Mcp-Session-Id',
  'Mcp-Method',
  'Mcp-Name',
  'Last-Event-ID',
] as const;
export const DEFAULT_METHODS = ['GET', 'POST', 'DELETE', 'OPTIONS'] as const;

export function cors({
  exposeHeaders = DEFAULT_EXPOSE_HEADERS,
  allowHeaders = DEFAULT_ALLOW_HEADERS,
  methods = DEFAULT_METHODS,
  maxAgeS = 600,
}: CorsOptions = {}) {
  for (const h of [...exposeHeaders, ...allowHeaders]) {
    if (!/^[A-Za-z0-9-]+$/.test(h)) throw new TypeError(`cors: invalid header name ${JSON.stringify(h)}`);
  }
  const expose = exposeHeaders.join(', ');
  const allow = allowHeaders.join(', ');
  const allowMethods = methods.join(', ');
  return function corsHeaders(req: Request, res: Response, next: NextFunction): void {
    res.set('Access-Control-Allow-Origin', '*');
    res.set('Access-Control-Expose-Headers', expose);
    if (req.method === 'OPTIONS') {
      res.set('Access-Control-Allow-Methods', allowMethods);
      res.set('Access-Control-Allow-Headers', allow);
      res.set('Access-Control-Max-Age', String(maxAgeS));
      res.status(204).end();
      return;
    }
    next();
  };
}
