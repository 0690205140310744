/**
 * A loopback HTTP proxy that adds `Authorization: Bearer <token>` to every request and
 * forwards it to our `/mcp`. The official MCP conformance runner has no option for a
 * bearer token in server mode (the official MCP conformance suite), so the tests point it here with
 * a token minted through a real OAuth flow (`connect()`).
 *
 * Faithful by design: the method, the body (streamed, byte for byte), every request header
 * as sent (raw names and order, duplicates kept), `Host` and `Origin` included, so our
 * Origin/Host guard judges exactly what the client sent (a DNS-rebinding probe must reach
 * it as a rebinding probe), and the response's status, headers and body, streamed as it
 * arrives (SSE). Only hop-by-hop headers (RFC 9110 §7.6.1) are dropped, and any
 * `Authorization` the client sent is replaced by ours.
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BearerProxyOptions {
  /** Our MCP endpoint, e.g. `http://127.0.0.1:P/mcp`. Every request goes there (its query kept). */
  target: string;
  /** The access token to add; a function is asked on every request (so a test may rotate it). */
  token: string | (() => string);
}

export interface ForwardedRequest {
  method: string;
  /** The request headers as the client sent them (lower-cased names). */
  headers: IncomingHttpHeaders;
  status?: number;
}

export interface BearerProxy {
  /** The proxy's own `/mcp` URL, on 127.0.0.1. */
  url: string;
  /** Every request forwarded, in arrival order, with the status our server answered. */
  requests: ForwardedRequest[];
  close(): Promise<void>;
}

/** RFC 9110 §7.6.1 hop-by-hop fields, plus the proxy ones; never forwarded either way. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Raw header pairs minus hop-by-hop ones, minus any named in `Connection`, minus `drop`. */
function forwardable(raw: string[], drop: ReadonlySet<string> = new Set()): string[] {
  const named = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'connection')
      for (const n of raw[i + 1]!.split(',')) named.add(n.trim().toLowerCase());
  }
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || named.has(name) || drop.has(name)) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

export async function startBearerProxy(opts: BearerProxyOptions): Promise<BearerProxy> {
  const target = new URL(opts.target);
  const tokenFor = typeof opts.token === 'function' ? opts.token : () => opts.token as string;
  const requests: ForwardedRequest[] = [];

  const server: Server = createServer((req, res) => {
    const seen: ForwardedRequest = { method: req.method ?? 'GET', headers: req.headers };
    requests.push(seen);
    const query = new URL(req.url ?? '/', 'http://proxy.invalid').search;
    const headers = [
      ...forwardable(req.rawHeaders, new Set(['authorization'])),
      'Authorization',
      `Bearer ${tokenFor()}`,
    ];
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${query}`,
        method: req.method,
        // An array of raw pairs: Node sends them as they are, `Host` included (it adds its
        // own only when none is given), and picks the framing from Content-Length.
        headers,
        // No keep-alive pool: one upstream connection per request, closed with it.
        agent: false,
      },
      (up) => {
        seen.status = up.statusCode;
        res.writeHead(up.statusCode ?? 502, up.statusMessage, forwardable(up.rawHeaders));
        // Headers out now, then each chunk as it arrives (SSE must not wait for the end).
        res.flushHeaders();
        up.on('data', (chunk: Buffer) => res.write(chunk));
        up.on('end', () => res.end());
        up.on('error', () => res.destroy());
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent)
        res.writeHead(502, { 'content-type': 'text/plain' }).end('bearer proxy: upstream unreachable');
      else res.destroy();
    });
    // The client went away (or finished reading a stream early): end the upstream request too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
