/**
 * DNS-rebinding and cross-site guard for /mcp (MCP 2025-11-25 transports "Security
 * Warning": servers MUST validate Origin; MCP-01).
 *
 * - `Origin` absent: allowed. Server-side clients (claude.ai's backend, CLIs) send none
 *   (docs/architecture.md, "The two OAuth legs"), and without a browser there is no rebinding.
 * - `Origin` present: must be an allowed origin (our public origin by default), else 403.
 * - `Host`: must be an allowed host (the public URL's by default), else 403, so a page on
 *   a rebound name cannot reach us even from a browser that sends no Origin.
 * - When the public URL is on a loopback name (the sandbox), every loopback name and port
 *   counts as ours, so a local browser client (the MCP Inspector) works out of the box.
 * Refusals are JSON-RPC shaped, like the SDK's own `hostHeaderValidation`.
 */
import type { NextFunction, Request, Response } from 'express';
import { RPC, sendJsonRpcError } from './json-rpc.js';

export interface OriginHostOptions {
  /** PUBLIC_URL: the defaults are derived from it. */
  publicUrl?: string;
  /** `Host` header values allowed (host[:port]); added to the default. */
  allowedHosts?: readonly string[];
  /** Origins allowed (`scheme://host[:port]`); added to the default. */
  allowedOrigins?: readonly string[];
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function hostname(hostHeader: string): string {
  const h = hostHeader.toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  return h.split(':')[0] ?? h;
}

function refuse(res: Response, message: string): void {
  sendJsonRpcError(res, 403, RPC.serverError, message);
}

export function originHostGuard({ publicUrl, allowedHosts = [], allowedOrigins = [] }: OriginHostOptions) {
  const pub = publicUrl ? new URL(publicUrl) : undefined;
  if (!pub && allowedHosts.length === 0) throw new TypeError('originHostGuard needs publicUrl or allowedHosts');
  const hosts = new Set([...(pub ? [pub.host] : []), ...allowedHosts].map((h) => h.toLowerCase()));
  const origins = new Set(
    [...(pub ? [pub.origin] : []), ...allowedOrigins].map((o) => o.toLowerCase().replace(/\/+$/, '')),
  );
  const loopback = pub !== undefined && LOOPBACK.has(pub.hostname.toLowerCase());

  const hostOk = (host: string | undefined): boolean => {
    if (!host) return false;
    return hosts.has(host.toLowerCase()) || (loopback && LOOPBACK.has(hostname(host)));
  };
  const originOk = (origin: string): boolean => {
    if (origins.has(origin.toLowerCase())) return true;
    if (!loopback) return false;
    try {
      const u = new URL(origin);
      return (u.protocol === 'http:' || u.protocol === 'https:') && LOOPBACK.has(u.hostname.toLowerCase());
    } catch {
      return false; // "null" and other opaque origins
    }
  };

  return function originHost(req: Request, res: Response, next: NextFunction): void {
    const origin = req.headers.origin;
    if (!hostOk(req.headers.host)) refuse(res, 'Forbidden: this Host is not served here');
    else if (origin !== undefined && !originOk(origin))
      refuse(res, 'Forbidden: cross-origin requests from this Origin are not allowed');
    else next();
  };
}
