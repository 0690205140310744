/**
 * POST /mcp over real HTTP, through the whole app (our OAuth in front, the emulator
 * behind), with the real SDK Client + StreamableHTTPClientTransport where a client would
 * use one, raw HTTP where the case is about the wire. Cases: MCP-01, MCP-02, MCP-06,
 * MCP-09, OAUTH-35, INPUT-01, -02, -03, -05; 405 on GET/DELETE (MCP 2025-11-25 transports); progress.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Stack } from '../../support/stack.js';
import { mcpPost } from '../../support/oauth-flow.js';
import { ALL_TOOLS_COUNT, READ_TOOLS, startMcpStack } from '../../support/mcp-stack.js';

let stack: Stack;
let full: string;
let readOnly: string;

const call = (id: number, name: string, args: Record<string, unknown> = {}, meta?: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) },
});
const V = { 'mcp-protocol-version': '2025-11-25' };

async function sdkClient(token: string): Promise<Client> {
  const client = new Client({ name: 'route-test', version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(stack.mcpUrl), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

beforeAll(async () => {
  ({ stack, full, readOnly } = await startMcpStack());
});
afterAll(async () => {
  await stack?.close();
});

describe('through the SDK client', () => {
  it('MCP-02: tools/list shows what the grant allows', async () => {
    const c1 = await sdkClient(full);
    const c2 = await sdkClient(readOnly);
    expect((await c1.listTools()).tools).toHaveLength(ALL_TOOLS_COUNT);
    expect((await c2.listTools()).tools.map((t) => t.name)).toEqual(READ_TOOLS);
    await c1.close();
    await c2.close();
  });

  it('calls a tool and gets structured content', async () => {
    const c = await sdkClient(full);
    const r = (await c.callTool({ name: 'token_balance', arguments: {} })) as CallToolResult;
    expect(r.structuredContent).toMatchObject({ plan: 'PROFESSIONAL' });
    await c.close();
  });

  it('progress notifications reach a client that asked for them (SSE response)', async () => {
    const c = await sdkClient(full);
    const seen: string[] = [];
    const r = (await c.callTool(
      {
        name: 'create_instance',
        arguments: { serviceId: 'eyevinn-test-adserver', name: 'prog1', wait: true, waitSeconds: 10 },
      },
      undefined,
      { onprogress: (p) => seen.push(p.message ?? ''), timeout: 30_000 },
    )) as CallToolResult;
    expect((r.structuredContent as { ready: boolean }).ready).toBe(true);
    expect(seen).toContain('creating the instance');
    expect(seen.some((m) => m.startsWith('status: starting'))).toBe(true);
    await c.close();
  });
});

describe('scope enforcement (OAUTH-35)', () => {
  it('a write tool with a read-only grant → 403 insufficient_scope before any OSC call, batch included', async () => {
    const before = await stack.emulator.control.stats();
    for (const body of [
      call(1, 'create_instance', { serviceId: 'minio-minio', name: 'x' }),
      [call(1, 'list_services'), call(2, 'delete_instance', { serviceId: 'minio-minio', name: 'x', confirm: true })],
    ]) {
      const res = await mcpPost(stack.mcpUrl, readOnly, body, V);
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toMatch(
        /^Bearer error="insufficient_scope".*scope="osc:write".*resource_metadata="/,
      );
    }
    expect((await stack.emulator.control.stats()).apiCalls).toBe(before.apiCalls);
  });
});

describe('errors are tool results (MCP-06)', () => {
  it.each([
    ['instances.get', 404, 'get_instance', /OSC has no instance "nope"/],
    ['instances.create', 409, 'create_instance', /conflict/],
    ['instances.create', 422, 'create_instance', /rejected the request as invalid \(HTTP 422\)/],
  ])('%s → %i', async (route, status, tool, wording) => {
    await stack.emulator.control.failNext(route, { status, body: { reason: 'upstream words <script>' } });
    const args =
      tool === 'get_instance'
        ? { serviceId: 'minio-minio', name: 'nope' }
        : { serviceId: 'minio-minio', name: 'nope', options: { RootUser: 'a', RootPassword: 'b' } };
    const res = await mcpPost(stack.mcpUrl, full, call(7, tool, args), V);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: CallToolResult; error?: unknown };
    expect(body.error).toBeUndefined();
    expect(body.result.isError).toBe(true);
    const text = (body.result.content[0] as { text: string }).text;
    expect(text).toMatch(wording);
    expect(text).toMatch(/\(reference [0-9a-f]{12}\)$/);
    expect(text).not.toContain('upstream words');
  });
});

describe('the wire (INPUT-01, -02, -03, -05)', () => {
  it('GET and DELETE /mcp → 405 Allow: POST', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(stack.mcpUrl, { method, headers: { authorization: `Bearer ${full}` } });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
    }
  });

  it.each([
    ['invalid JSON', '{"jsonrpc":', {}, 400, -32700],
    ['text/plain', JSON.stringify(call(1, 'list_services')), { 'content-type': 'text/plain' }, 415, -32000],
    // JSON-RPC 2.0 §5.1: valid JSON that is not a Request object is an Invalid Request.
    ['jsonrpc 1.0', '{"jsonrpc":"1.0"}', {}, 400, -32600],
    [
      'a batch of 101',
      JSON.stringify(Array.from({ length: 101 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'ping' }))),
      {},
      400,
      -32600,
    ],
    ['64 KB of nesting', `${'['.repeat(30_000)}${']'.repeat(30_000)}`, {}, 400, -32700],
  ])('%s', async (_l, body, headers, status, code) => {
    const res = await mcpPost(stack.mcpUrl, full, body, { ...V, ...headers });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(code);
  });

  it('a 2025-era batch of 2 is answered (the SDK transport still accepts batches ≤ 100)', async () => {
    const res = await mcpPost(
      stack.mcpUrl,
      full,
      [
        { jsonrpc: '2.0', id: 1, method: 'ping' },
        { jsonrpc: '2.0', id: 2, method: 'ping' },
      ],
      V,
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as unknown[]).length).toBe(2);
  });

  it.each([65 * 1024, 1024 * 1024])('INPUT-01: a %i byte body → 413', async (size) => {
    const res = await mcpPost(
      stack.mcpUrl,
      full,
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(size) } }),
      V,
    );
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32000);
  });

  it('INPUT-01: a chunked 100 MB body is refused early and the connection closed', async () => {
    const url = new URL(stack.mcpUrl);
    const { status, sent } = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
      let sent = 0;
      const req = httpRequest({
        host: url.hostname,
        port: url.port,
        path: '/mcp',
        method: 'POST',
        headers: {
          authorization: `Bearer ${full}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, sent });
        req.destroy();
      });
      req.on('error', (e) => (sent > 0 ? undefined : reject(e)));
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (sent < 100 * 1024 * 1024 && !req.destroyed) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
      };
      req.write('{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"');
      pump();
    });
    expect(status).toBe(413);
    expect(sent).toBeLessThan(20 * 1024 * 1024);
  });

  it('INPUT-05: prototype keys in arguments pollute nothing', async () => {
    const body = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_services","arguments":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}}}`;
    const res = await mcpPost(stack.mcpUrl, full, body, V);
    expect(res.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('Origin and Host (MCP-01), CORS', () => {
  it('foreign Origin → 403; foreign Host → 403; no Origin → 200', async () => {
    expect(
      (await mcpPost(stack.mcpUrl, full, call(1, 'token_balance'), { ...V, origin: 'https://evil.example' })).status,
    ).toBe(403);
    const url = new URL(stack.mcpUrl);
    const hostStatus = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: '/mcp',
          method: 'POST',
          headers: {
            host: 'evil.example',
            authorization: `Bearer ${full}`,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(call(1, 'token_balance')));
    });
    expect(hostStatus).toBe(403);
    expect((await mcpPost(stack.mcpUrl, full, call(1, 'token_balance'), V)).status).toBe(200);
  });

  it('preflight is answered before auth and allows the MCP headers', async () => {
    const res = await fetch(stack.mcpUrl, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, mcp-protocol-version',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toMatch(
      /Authorization.*MCP-Protocol-Version.*Mcp-Session-Id.*Last-Event-ID/,
    );
    expect(res.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
  });
});

describe('a client that leaves (MCP-09)', () => {
  it('aborting the HTTP request aborts the upstream call', async () => {
    await mcpPost(stack.mcpUrl, full, call(1, 'list_instances', { serviceId: 'minio-minio' }), V);
    const before = (await stack.emulator.control.stats()).hangsClosed;
    await stack.emulator.control.failNext('instances.list', { hang: true });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 1_000);
    await expect(
      fetch(stack.mcpUrl, {
        method: 'POST',
        signal: ac.signal,
        headers: {
          authorization: `Bearer ${full}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...V,
        },
        body: JSON.stringify(call(2, 'list_instances', { serviceId: 'minio-minio' })),
      }),
    ).rejects.toThrow();
    await expect
      .poll(async () => (await stack.emulator.control.stats()).hangsClosed, { timeout: 3_000 })
      .toBeGreaterThan(before);
    expect(stack.logs.join('')).not.toMatch(/unhandled/i);
  });
});

describe('secrets', () => {
  it('after every case above, no token the emulator issued appears in a log line', async () => {
    const canaries = await stack.emulator.control.canaries();
    expect(canaries.length).toBeGreaterThan(0);
    const logs = stack.logs.join('');
    for (const secret of canaries) expect(logs).not.toContain(secret);
  });
});
