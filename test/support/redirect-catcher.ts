/**
 * A client's loopback redirect URI (RFC 8252 §7.3) as a real HTTP server, so browser tests
 * observe what the client receives: the query (`code`, `state`, `iss`, `error`) and the
 * request headers (a `Referer` here would leak our page's URL to the client).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CaughtRedirect {
  url: URL;
  headers: IncomingHttpHeaders;
}

export interface RedirectCatcher {
  /** e.g. http://127.0.0.1:PORT/cb */
  redirectUri: string;
  origin: string;
  hits: CaughtRedirect[];
  /** Resolves with the next hit (or one already caught and not yet taken). */
  next(timeoutMs?: number): Promise<CaughtRedirect>;
  close(): Promise<void>;
}

export async function startRedirectCatcher(path = '/cb'): Promise<RedirectCatcher> {
  const hits: CaughtRedirect[] = [];
  let taken = 0;
  const waiters: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    if (url.pathname === path) {
      hits.push({ url, headers: req.headers });
      for (const w of waiters.splice(0)) w();
    }
    res.writeHead(url.pathname === path ? 200 : 404, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end('<!doctype html><title>client</title><p id="client-received">The client received the answer.</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    redirectUri: `${origin}${path}`,
    origin,
    hits,
    async next(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (hits.length <= taken) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no redirect reached ${origin}${path} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return hits[taken++]!;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
