/**
 * A loopback server for Client ID Metadata Documents: tests put JSON at a path and use the
 * URL as a `client_id` (only a stack with `cimd.allowLoopbackHttp` accepts it).
 */
import { createServer } from 'node:http';

export interface DocumentServer {
  /** e.g. http://127.0.0.1:PORT */
  base: string;
  /** Serves `body` (JSON) at `path`; returns its URL. */
  serve(path: string, body: unknown): string;
  close(): void;
}

export async function startDocumentServer(): Promise<DocumentServer> {
  const served = new Map<string, string>();
  const server = createServer((req, res) => {
    const body = served.get(req.url ?? '');
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    base,
    serve(path, body) {
      served.set(path, JSON.stringify(body));
      return `${base}${path}`;
    },
    close: () => server.close(),
  };
}
