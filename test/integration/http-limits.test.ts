// HTTP-level limits (docs/security.md, "Availability"): INPUT-03 (huge objects), INPUT-06 (slow clients), INPUT-07 (big
// headers), and MCP-04's premise (no sessions: the bearer alone identifies every request).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect as tcp, type Socket } from 'node:net';
import { startStack, type Stack } from '../support/stack.js';
import { connect, mcpPost } from '../support/oauth-flow.js';

let stack: Stack;
let at: string;
// Production waits 10 s for headers and 30 s for a whole request (src/defaults.ts); the same
// server runs here with 1 s and 5 s, so the test proves the mechanism without waiting 30 s.
const HEADERS_MS = 1_000;
const REQUEST_MS = 5_000;
beforeAll(async () => {
  stack = await startStack({
    overrides: {
      defaults: {
        httpHeadersTimeoutMs: HEADERS_MS,
        httpRequestTimeoutMs: REQUEST_MS,
        httpConnectionsCheckIntervalMs: 200,
      },
    },
  });
  at = (await connect(stack.url, { user: 'alice' })).tokens.access_token;
});
afterAll(() => stack.close());

const port = () => Number(new URL(stack.url).port);
const ping = (id: number) => mcpPost(stack.mcpUrl, at, { jsonrpc: '2.0', id, method: 'ping' });

/** Resolves with how long the server took to close the socket. */
function closedAfter(sock: Socket): Promise<number> {
  const started = Date.now();
  return new Promise((resolve) => {
    sock.on('close', () => resolve(Date.now() - started));
    sock.on('error', () => undefined);
  });
}

describe('slow clients (INPUT-06)', () => {
  it('a socket trickling its headers is closed by the headers timeout, one trickling its body by the request timeout; others are served meanwhile', async () => {
    const headerSocks = Array.from({ length: 20 }, () => tcp(port(), '127.0.0.1'));
    const bodySocks = Array.from({ length: 5 }, () => tcp(port(), '127.0.0.1'));
    const headerClosed = headerSocks.map(closedAfter);
    const bodyClosed = bodySocks.map(closedAfter);
    for (const s of headerSocks) s.write('POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    for (const s of bodySocks)
      s.write(
        `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${at}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
      );
    const drip = setInterval(() => {
      for (const s of headerSocks) if (!s.destroyed) s.write('X');
      for (const s of bodySocks) if (!s.destroyed) s.write(' ');
    }, 100);
    try {
      const served = await Promise.all([1, 2, 3].map((i) => ping(i)));
      expect(served.map((r) => r.status)).toEqual([200, 200, 200]);
      const h = await Promise.all(headerClosed);
      // Closed by the headers timeout, well before the request timeout could fire.
      for (const ms of h) expect(ms).toBeLessThan(REQUEST_MS - 1_000);
      const b = await Promise.all(bodyClosed);
      for (const ms of b) {
        expect(ms).toBeGreaterThanOrEqual(REQUEST_MS - 500); // not the headers timeout: the body was under way
        expect(ms).toBeLessThan(REQUEST_MS + 10_000);
      }
      expect((await ping(4)).status).toBe(200);
    } finally {
      clearInterval(drip);
      for (const s of [...headerSocks, ...bodySocks]) s.destroy();
    }
  }, 30_000);
});

describe('big requests (INPUT-03, INPUT-07)', () => {
  it('INPUT-07: a 17 KB header → 431; 2,000 small headers → answered without a crash', async () => {
    const big = await fetch(stack.mcpUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${at}`, 'x-pad': 'x'.repeat(17 * 1024) },
    });
    expect(big.status).toBe(431);
    const many: Record<string, string> = {};
    for (let i = 0; i < 2000; i++) many[`x-h${i}`] = '1';
    const res = await fetch(stack.mcpUrl, {
      method: 'POST',
      headers: { ...many, 'content-type': 'application/json', authorization: `Bearer ${at}` },
      body: '{}',
    });
    // Node keeps the first 2,000 header lines (maxHeadersCount): the Authorization header,
    // sent after them, is dropped, so the request is answered as one without a token.
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect((await ping(5)).status).toBe(200);
  });

  it('INPUT-03: an object with 50k keys or deep nesting is refused (413/400), and the server answers at once afterwards', async () => {
    const wide = `{"jsonrpc":"2.0","id":1,"method":"ping","params":{${Array.from({ length: 50_000 }, (_, i) => `"k${i}":1`).join(',')}}}`;
    const r1 = await mcpPost(stack.mcpUrl, at, wide);
    expect(r1.status).toBe(413);
    const deep = `{"jsonrpc":"2.0","id":1,"method":"ping","params":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    const r2 = await mcpPost(stack.mcpUrl, at, deep);
    expect(r2.status).toBe(400);
    expect(JSON.parse(await r2.text())).toMatchObject({ error: { code: -32700 } });
    expect((await ping(6)).status).toBe(200);
  });
});

describe('no sessions (MCP-04)', () => {
  it('no Mcp-Session-Id is issued, and one sent by a client never stands in for the bearer token', async () => {
    const init = await mcpPost(stack.mcpUrl, at, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    });
    expect(init.status).toBe(200);
    expect(init.headers.get('mcp-session-id')).toBeNull();
    const noToken = await mcpPost(
      stack.mcpUrl,
      undefined,
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      { 'mcp-session-id': 'anything' },
    );
    expect(noToken.status).toBe(401);
  });
});
