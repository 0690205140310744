/**
 * originHostGuard (MCP-01; MCP 2025-11-25 transports "Security Warning") and cors (browser-based clients must read WWW-Authenticate), on a real Express app on
 * a loopback port, over real HTTP.
 */
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { originHostGuard } from '../../../src/http/origin-host.js';
import { cors } from '../../../src/http/cors.js';

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

async function serve(guard: ReturnType<typeof originHostGuard>): Promise<number> {
  const app = express();
  app.use('/mcp', cors(), guard);
  app.post('/mcp', (_req, res) => void res.json({ ok: true }));
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  return (server.address() as AddressInfo).port;
}

function post(port: number, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('originHostGuard, public URL on a real host', () => {
  const guard = originHostGuard({
    publicUrl: 'https://mcp.example.com',
    allowedOrigins: ['https://inspector.example.com'],
  });
  it.each([
    [{ host: 'mcp.example.com' }, 200],
    [{ host: 'MCP.example.com', origin: 'https://mcp.example.com' }, 200],
    [{ host: 'mcp.example.com', origin: 'https://inspector.example.com' }, 200],
    [{ host: 'mcp.example.com', origin: 'https://evil.example' }, 403],
    [{ host: 'mcp.example.com', origin: 'null' }, 403],
    [{ host: 'mcp.example.com', origin: 'http://localhost:6274' }, 403],
    [{ host: 'evil.example' }, 403],
    [{ host: '127.0.0.1' }, 403],
  ])('%o → %i', async (headers, status) => {
    const port = await serve(guard);
    const r = await post(port, headers as Record<string, string>);
    expect(r.status).toBe(status);
    if (status === 403) expect(JSON.parse(r.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 }, id: null });
  });
});

describe('originHostGuard, public URL on loopback (the sandbox)', () => {
  const guard = originHostGuard({ publicUrl: 'http://127.0.0.1:8080' });
  it.each([
    [{ host: '127.0.0.1:8080' }, 200],
    [{ host: 'localhost:8080', origin: 'http://localhost:6274' }, 200],
    [{ host: '[::1]:8080' }, 200],
    [{ host: '127.0.0.1:8080', origin: 'https://evil.example' }, 403],
    [{ host: 'evil.example:8080' }, 403],
  ])('%o → %i', async (headers, status) => {
    expect((await post(await serve(guard), headers as Record<string, string>)).status).toBe(status);
  });
});

describe('cors', () => {
  it('answers a preflight with no auth and exposes the challenge header', async () => {
    const port = await serve(originHostGuard({ publicUrl: 'https://mcp.example.com' }));
    const res = await fetch(`http://127.0.0.1:${port}/mcp`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST, DELETE, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe(
      'Authorization, Content-Type, MCP-Protocol-Version, Mcp-Session-Id, Mcp-Method, Mcp-Name, Last-Event-ID',
    );
    expect(res.headers.get('access-control-expose-headers')).toBe(
      'WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version',
    );
  });

  it('refuses header names that could split a header', () => {
    expect(() => cors({ exposeHeaders: ['X-Ok', 'bad\r\nSet-Cookie: x'] })).toThrow(TypeError);
  });
});
