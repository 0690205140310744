// MEM-01 (issue 18; bench/README.md "RSS after calls"): the web Request carries no signal of
// ours; the handler's `opts.signal` (which the route attaches to a Request only on the
// 2026-07-28 path) is aborted once the response is written, so undici's FinalizationRegistry
// no longer holds it and the request's graph through its listeners; the response is written
// as the handler made it (status, headers, body; a JSON body in one piece with its length),
// a handler failure is a JSON-RPC 500.
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { serveWebHandler, type WebHandler } from '../../../src/mcp/node-handler.js';

let server: Server | undefined;
afterEach(() => server?.close());

async function serve(handler: WebHandler, errors: Error[] = [], parsedBody?: unknown): Promise<string> {
  server = createServer((req, res) => {
    if (parsedBody !== undefined) req.resume();
    void serveWebHandler(handler, req, res, parsedBody, (e) => errors.push(e));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/mcp`;
}

describe('MEM-01: the MCP route releases the request signal once the response is written', () => {
  it('writes the handler response, then the signal is aborted', async () => {
    const seen: AbortSignal[] = [];
    const url = await serve({
      fetch: async (request, opts) => {
        seen.push(opts.signal);
        expect(opts.signal.aborted).toBe(false);
        return new Response(JSON.stringify({ ok: await request.text() }), {
          status: 202,
          headers: { 'content-type': 'application/json', 'x-one': '1' },
        });
      },
    });
    const res = await fetch(url, { method: 'POST', body: 'hello' });
    expect(res.status).toBe(202);
    expect(res.headers.get('x-one')).toBe('1');
    expect(res.headers.get('content-length')).toBe('14');
    expect(res.headers.get('transfer-encoding')).toBeNull();
    expect(await res.json()).toEqual({ ok: 'hello' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.aborted).toBe(true);
  });

  it('with a parsed body, the Request has the headers and no body; an event stream is streamed', async () => {
    const seen: Request[] = [];
    const url = await serve(
      {
        fetch: async (request, opts) => {
          seen.push(request);
          expect(opts.parsedBody).toEqual({ a: 1 });
          return new Response('data: 1\n\n', { headers: { 'content-type': 'text/event-stream' } });
        },
      },
      [],
      { a: 1 },
    );
    const res = await fetch(url, { method: 'POST', body: '{"a":1}', headers: { 'x-two': '2' } });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(await res.text()).toBe('data: 1\n\n');
    expect(seen[0]!.body).toBeNull();
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.headers.get('x-two')).toBe('2');
    expect(seen[0]!.headers.get('content-length')).toBeNull();
    expect(new URL(seen[0]!.url).pathname).toBe('/mcp');
  });

  it('a response without a body, and a handler that throws (JSON-RPC 500, reported), release it too', async () => {
    const seen: AbortSignal[] = [];
    const errors: Error[] = [];
    let fail = false;
    const url = await serve(
      {
        fetch: async (_request, opts) => {
          seen.push(opts.signal);
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
    expect(seen.map((s) => s.aborted)).toEqual([true, true]);
  });
});
