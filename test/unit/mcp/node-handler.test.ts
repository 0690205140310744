// MEM-01 (issue 18; bench/README.md "RSS after calls"): once the MCP route has written a
// response, the web Request's signal is aborted, so undici's FinalizationRegistry no longer
// holds the signal and the request's graph through its listeners; the response is written as
// the handler made it (status, headers, body), a handler failure is a JSON-RPC 500.
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { serveWebHandler, type WebHandler } from '../../../src/mcp/node-handler.js';

let server: Server | undefined;
afterEach(() => server?.close());

async function serve(handler: WebHandler, errors: Error[] = []): Promise<string> {
  server = createServer((req, res) => {
    void serveWebHandler(handler, req, res, undefined, (e) => errors.push(e));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/mcp`;
}

describe('MEM-01: the MCP route releases the request signal once the response is written', () => {
  it('writes the handler response, then the Request signal is aborted', async () => {
    const seen: Request[] = [];
    const url = await serve({
      fetch: async (request) => {
        seen.push(request);
        expect(request.signal.aborted).toBe(false);
        return new Response(JSON.stringify({ ok: await request.text() }), {
          status: 202,
          headers: { 'content-type': 'application/json', 'x-one': '1' },
        });
      },
    });
    const res = await fetch(url, { method: 'POST', body: 'hello' });
    expect(res.status).toBe(202);
    expect(res.headers.get('x-one')).toBe('1');
    expect(await res.json()).toEqual({ ok: 'hello' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.signal.aborted).toBe(true);
  });

  it('a response without a body, and a handler that throws (JSON-RPC 500, reported), release it too', async () => {
    const seen: Request[] = [];
    const errors: Error[] = [];
    let fail = false;
    const url = await serve(
      {
        fetch: async (request) => {
          seen.push(request);
          if (fail) throw new Error('boom');
          return new Response(null, { status: 204 });
        },
      },
      errors,
    );
    expect((await fetch(url, { method: 'POST', body: '{}' })).status).toBe(204);
    fail = true;
    const res = await fetch(url, { method: 'POST', body: '{}' });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32603, message: 'Internal server error' },
      id: null,
    });
    expect(errors.map((e) => e.message)).toEqual(['boom']);
    expect(seen.map((r) => r.signal.aborted)).toEqual([true, true]);
  });
});
