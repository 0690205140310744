/**
 * Both protocol eras on one `POST /mcp` (docs/mcp-revisions.md), over real HTTP through
 * the whole app, raw JSON-RPC so each case pins the wire: MCP 2026-07-28 requests are
 * served without `initialize`; the Streamable HTTP "Server Validation" rules
 * (MCP-Protocol-Version, Mcp-Method, Mcp-Name against the body → 400 -32020 HeaderMismatch)
 * and versioning's UnsupportedProtocolVersionError (400 -32022) are answered before any
 * tool runs; scope (403) and the 2025-11-25 handshake are unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../support/stack.js';
import { mcpPost } from '../../support/oauth-flow.js';
import { ALL_TOOLS_COUNT, READ_TOOLS, startMcpStack } from '../../support/mcp-stack.js';
import { envelope, MODERN, modernPost, type ModernOptions } from '../../support/mcp-modern.js';

let stack: Stack;
let full: string;
let readOnly: string;

/** A 2026-07-28 request with the headers a conforming client mirrors from the body; alice's full grant unless `token`. */
function modern(
  id: number,
  method: string,
  params: Record<string, unknown> = {},
  o: ModernOptions & { token?: string } = {},
): Promise<Response> {
  return modernPost(stack.mcpUrl, o.token ?? full, id, method, params, o);
}

async function apiCalls(): Promise<number> {
  return (await stack.emulator.control.stats()).apiCalls;
}

beforeAll(async () => {
  ({ stack, full, readOnly } = await startMcpStack());
});
afterAll(async () => {
  await stack?.close();
});

describe('MCP 2026-07-28, no initialize', () => {
  it('server/discover: the modern revision, our tools capability, instructions, and who we are in _meta', async () => {
    const res = await modern(1, 'server/discover');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const { result } = (await res.json()) as {
      result: {
        supportedVersions: string[];
        capabilities: Record<string, unknown>;
        instructions?: string;
        _meta: Record<string, { name: string }>;
      };
    };
    // The SDK lists modern revisions only here; 2025-era versions are negotiated by initialize.
    expect(result.supportedVersions).toEqual([MODERN]);
    expect(result.capabilities).toEqual({ tools: { listChanged: false } });
    expect(result.instructions).toMatch(/list_services/);
    expect(result._meta['io.modelcontextprotocol/serverInfo']?.name).toBe('osc-mcp');
  });

  it('tools/list shows what the grant allows, as in 2025-11-25', async () => {
    const names = async (token: string) =>
      (
        (await (await modern(2, 'tools/list', {}, { token })).json()) as { result: { tools: Array<{ name: string }> } }
      ).result.tools.map((t) => t.name);
    expect(await names(full)).toHaveLength(ALL_TOOLS_COUNT);
    expect(await names(readOnly)).toEqual(READ_TOOLS);
  });

  it('tools/call answers with structured content in one JSON body', async () => {
    const res = await modern(3, 'tools/call', { name: 'token_balance', arguments: {} });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as {
      id: number;
      result: { structuredContent: Record<string, unknown>; isError?: boolean };
    };
    expect(body.id).toBe(3);
    expect(body.result.isError).toBeUndefined();
    expect(body.result.structuredContent).toMatchObject({ plan: 'PROFESSIONAL' });
  });

  it('progress travels on an SSE response ended by the result', async () => {
    const res = await modern(4, 'tools/call', {
      name: 'create_instance',
      arguments: { serviceId: 'eyevinn-test-adserver', name: 'modernprog', wait: true, waitSeconds: 10 },
      _meta: { progressToken: 'p4' },
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const frames = [...(await res.text()).matchAll(/^data: (.*)$/gm)].map(
      (m) => JSON.parse(m[1]!) as { method?: string; id?: number; result?: { structuredContent: { ready: boolean } } },
    );
    expect(frames.some((f) => f.method === 'notifications/progress')).toBe(true);
    expect(frames.at(-1)?.id).toBe(4);
    expect(frames.at(-1)?.result?.structuredContent.ready).toBe(true);
  });
});

describe('a 2026-07-28 client that leaves (MCP-09; 2026-07-28 Streamable HTTP, "Cancellation")', () => {
  it('closing the request aborts the upstream call', async () => {
    await modern(20, 'tools/call', { name: 'list_instances', arguments: { serviceId: 'minio-minio' } });
    const before = (await stack.emulator.control.stats()).hangsClosed;
    await stack.emulator.control.failNext('instances.list', { hang: true });
    const ac = new AbortController();
    const pending = modernPost(
      stack.mcpUrl,
      full,
      21,
      'tools/call',
      { name: 'list_instances', arguments: { serviceId: 'minio-minio' } },
      { signal: ac.signal },
    );
    setTimeout(() => ac.abort(), 1_000);
    await expect(pending).rejects.toThrow();
    await expect
      .poll(async () => (await stack.emulator.control.stats()).hangsClosed, { timeout: 3_000 })
      .toBeGreaterThan(before);
    expect(stack.logs.join('')).not.toMatch(/unhandled/i);
  });
});

describe('Server Validation (2026-07-28 Streamable HTTP) → 400 HeaderMismatch -32020, before any tool runs', () => {
  it.each<[string, ModernOptions]>([
    ['Mcp-Name names another tool than the body', { headers: { 'mcp-name': 'list_services' } }],
    ['Mcp-Method names another method than the body', { headers: { 'mcp-method': 'tools/list' } }],
    ['Mcp-Name is missing on a tools/call', { omit: ['mcp-name'] }],
    ['Mcp-Method is missing', { omit: ['mcp-method'] }],
    ['MCP-Protocol-Version is missing', { omit: ['mcp-protocol-version'] }],
    ['MCP-Protocol-Version disagrees with the envelope', { headers: { 'mcp-protocol-version': '2025-11-25' } }],
    ['Mcp-Name carries a broken Base64 sentinel', { headers: { 'mcp-name': '=?base64?***?=' } }],
  ])('%s', async (_label, o) => {
    const before = await apiCalls();
    const res = await modern(5, 'tools/call', { name: 'token_balance', arguments: {} }, o);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { id: unknown; error: { code: number; message: string } };
    expect(body.error.code).toBe(-32020);
    expect(body.id).toBe(5);
    expect(await apiCalls()).toBe(before);
  });

  it('a Base64-encoded Mcp-Name that matches the body is accepted', async () => {
    const res = await modern(
      6,
      'tools/call',
      { name: 'token_balance', arguments: {} },
      { headers: { 'mcp-name': `=?base64?${Buffer.from('token_balance').toString('base64')}?=` } },
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { result: { isError?: boolean } }).result.isError).toBeUndefined();
  });
});

describe('versions', () => {
  it('an unsupported version → 400 UnsupportedProtocolVersionError -32022 listing the supported ones', async () => {
    const res = await modern(7, 'tools/list', {}, { version: '2099-01-01' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      id: unknown;
      error: { code: number; data: { supported: string[]; requested: string } };
    };
    expect(body.error.code).toBe(-32022);
    expect(body.error.data.supported).toContain(MODERN);
    expect(body.error.data.requested).toBe('2099-01-01');
    expect(body.id).toBe(7);
  });

  it('a method we do not serve → 404 -32601 (2026-07-28 Streamable HTTP, "Protocol Version Header")', async () => {
    const res = await modern(15, 'resources/list');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32601);
  });

  it('a modern MCP-Protocol-Version header on a body without the envelope → 400 -32602', async () => {
    const res = await mcpPost(
      stack.mcpUrl,
      full,
      { jsonrpc: '2.0', id: 8, method: 'tools/list', params: {} },
      { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/list' },
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32602);
  });

  it('a batch holding a 2026-07-28 request → 400 -32600 (the modern era has no batches)', async () => {
    const res = await mcpPost(
      stack.mcpUrl,
      full,
      [{ jsonrpc: '2.0', id: 9, method: 'tools/list', params: { _meta: envelope() } }],
      { 'mcp-protocol-version': MODERN },
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32600);
  });

  it('2025-11-25 is served as before on the same endpoint: initialize, then a tool call answered as JSON', async () => {
    const init = await mcpPost(stack.mcpUrl, full, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    });
    expect(init.status).toBe(200);
    const { result } = (await init.json()) as { result: { protocolVersion: string; capabilities: unknown } };
    expect(result.protocolVersion).toBe('2025-11-25');
    expect(result.capabilities).toEqual({ tools: { listChanged: false } });
    const call = await mcpPost(
      stack.mcpUrl,
      full,
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'token_balance', arguments: {} } },
      { 'mcp-protocol-version': '2025-11-25' },
    );
    expect(call.headers.get('content-type')).toContain('application/json');
    expect(((await call.json()) as { result: { structuredContent: unknown } }).result.structuredContent).toMatchObject({
      plan: 'PROFESSIONAL',
    });
  });

  it('the request log names the era and a bounded method label, never a client-chosen string', async () => {
    await modern(10, 'tools/list');
    await modern(11, 'x'.repeat(200));
    const lines = stack.logs
      .join('')
      .split('\n')
      .filter((l) => l.includes('"event":"http"') && l.includes('"url":"/mcp"'));
    expect(lines.some((l) => l.includes('"mcp":{"era":"modern","method":"tools/list"}'))).toBe(true);
    expect(lines.some((l) => l.includes('"mcp":{"era":"modern","method":"other"}'))).toBe(true);
    expect(lines.some((l) => l.includes('xxxxxxxx'))).toBe(false);
  });
});

describe('scope stays first (OAUTH-35)', () => {
  it('a write tool with a read-only grant → 403 insufficient_scope, whatever the headers say, before any OSC call', async () => {
    const before = await apiCalls();
    const args = { serviceId: 'minio-minio', name: 'x', confirm: true };
    for (const o of [{ token: readOnly }, { token: readOnly, headers: { 'mcp-name': 'list_services' } }]) {
      const res = await modern(12, 'tools/call', { name: 'delete_instance', arguments: args }, o);
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope".*scope="osc:write"/);
    }
    expect(await apiCalls()).toBe(before);
  });

  it('an unknown tool is the protocol error -32602 in both eras', async () => {
    const m = await modern(13, 'tools/call', { name: 'nope', arguments: {} });
    expect(((await m.json()) as { error: { code: number } }).error.code).toBe(-32602);
    const l = await mcpPost(
      stack.mcpUrl,
      full,
      { jsonrpc: '2.0', id: 14, method: 'tools/call', params: { name: 'nope', arguments: {} } },
      { 'mcp-protocol-version': '2025-11-25' },
    );
    expect(((await l.json()) as { error: { code: number } }).error.code).toBe(-32602);
  });
});
