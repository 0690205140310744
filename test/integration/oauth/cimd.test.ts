// Client ID Metadata Documents (MCP 2025-11-25 authorization, "Client ID Metadata Documents")
// and the SSRF rules for fetching them (RFC 9728 §7.7, INPUT-10); DCR deduplication.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { startStack, type Stack } from '../../support/stack.js';
import {
  Browser,
  authorizeUrl,
  consentFields,
  exchange,
  registerClient,
  type RegisteredClient,
} from '../../support/oauth-flow.js';
import { approveAtEmulator, pkcePair } from '../../support/emulator.js';

function listen<T extends Server | TcpServer>(srv: T): Promise<number> {
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve((srv.address() as { port: number }).port)));
}

describe('a client identified by its metadata document (loopback http allowed for this test only)', () => {
  let stack: Stack;
  let docs: Server;
  let base: string;
  const served = new Map<string, { status?: number; body: string; headers?: Record<string, string> }>();
  beforeAll(async () => {
    docs = createServer((req, res) => {
      const doc = served.get(req.url ?? '');
      if (!doc) return void res.writeHead(404).end();
      res.writeHead(doc.status ?? 200, { 'content-type': 'application/json', ...doc.headers }).end(doc.body);
    });
    base = `http://127.0.0.1:${await listen(docs)}`;
    stack = await startStack({ overrides: { cimd: { allowLoopbackHttp: true } } });
  });
  afterAll(async () => {
    await stack.close();
    docs.close();
  });

  const serve = (
    path: string,
    doc: Record<string, unknown> | string,
    extra: { status?: number; headers?: Record<string, string> } = {},
  ) => {
    served.set(path, { body: typeof doc === 'string' ? doc : JSON.stringify(doc), ...extra });
    return `${base}${path}`;
  };

  it('authorizes with the document URL as client_id; the consent page names the verified host', async () => {
    const clientId = serve('/good.json', {});
    served.set('/good.json', {
      body: JSON.stringify({
        client_id: clientId,
        client_name: 'Doc Client',
        redirect_uris: ['http://127.0.0.1:7777/cb'],
        token_endpoint_auth_method: 'none',
      }),
    });
    const browser = new Browser();
    const { verifier, challenge } = pkcePair();
    const page = await browser.get(
      authorizeUrl(stack.url, { clientId, redirectUri: 'http://127.0.0.1:7777/cb', challenge }),
    );
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Doc Client');
    expect(html).toContain(`identity verified by ${new URL(base).host}`);
    expect(html).not.toContain('self-declared');
    const { pending, csrf } = consentFields(html);
    const consent = await browser.post(
      `${stack.url}/consent`,
      new URLSearchParams({ pending, csrf, decision: 'approve', scope: 'osc:read' }),
    );
    const back = await approveAtEmulator(consent.headers.get('location')!, 'alice');
    const cb = await browser.get(back.toString());
    const code = new URL(cb.headers.get('location')!).searchParams.get('code')!;
    const client: RegisteredClient = { client_id: clientId, redirect_uris: ['http://127.0.0.1:7777/cb'] };
    const tokens = await exchange(stack.url, client, {
      location: new URL('http://x'),
      code,
      verifier,
      redirectUri: 'http://127.0.0.1:7777/cb',
    });
    expect(tokens.scope).toBe('osc:read');
  });

  it.each([
    [
      'names another client_id',
      (url: string) => ({ client_id: `${url}x`, client_name: 'X', redirect_uris: ['http://127.0.0.1:7777/cb'] }),
      {},
    ],
    [
      'lacks the redirect URI asked for',
      (url: string) => ({ client_id: url, client_name: 'X', redirect_uris: ['http://127.0.0.1:7777/other'] }),
      {},
    ],
    ['is not JSON', () => '<html>hi</html>', {}],
    [
      'is larger than 16 KB',
      (url: string) => ({
        client_id: url,
        client_name: 'X',
        redirect_uris: ['http://127.0.0.1:7777/cb'],
        pad: 'x'.repeat(17 * 1024),
      }),
      {},
    ],
    ['answers with a redirect', () => '', { status: 302, headers: { location: 'http://127.0.0.1:1/' } }],
  ] as const)('a document that %s → local error, no redirect', async (name, doc, extra) => {
    const path = `/bad-${name.replace(/\W+/g, '-')}.json`;
    const url = `${base}${path}`;
    serve(path, doc(url), extra);
    const { challenge } = pkcePair();
    const res = await fetch(
      authorizeUrl(stack.url, { clientId: url, redirectUri: 'http://127.0.0.1:7777/cb', challenge }),
      { redirect: 'manual' },
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });
  it('a document declaring grants we do not offer and a redirect URI we refuse is still usable', async () => {
    const clientId = `${base}/tolerant.json`;
    serve('/tolerant.json', {
      client_id: clientId,
      client_name: 'Tolerant',
      redirect_uris: ['myapp://callback', 'http://127.0.0.1:7777/cb'],
      grant_types: [
        'authorization_code',
        'refresh_token',
        'urn:ietf:params:oauth:grant-type:jwt-bearer',
        'urn:ietf:params:oauth:grant-type:device_code',
      ],
      response_types: ['code', 'id_token'],
      token_endpoint_auth_method: 'none',
      software_id: 'ignored',
    });
    const { challenge } = pkcePair();
    const page = await fetch(
      authorizeUrl(stack.url, { clientId, redirectUri: 'http://127.0.0.1:7777/cb', challenge }),
      { redirect: 'manual' },
    );
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Tolerant');
    // The URI we dropped is never a place we answer.
    const dropped = await fetch(authorizeUrl(stack.url, { clientId, redirectUri: 'myapp://callback', challenge }), {
      redirect: 'manual',
    });
    expect(dropped.status).toBe(400);
    expect(dropped.headers.get('location')).toBeNull();
  });

  it('an unusable document: the reason is logged, the page says what to do, a JSON caller gets invalid_client', async () => {
    const clientId = `${base}/device-only.json`;
    serve('/device-only.json', {
      client_id: clientId,
      client_name: 'Device Only',
      redirect_uris: ['http://127.0.0.1:7777/cb'],
      grant_types: ['urn:ietf:params:oauth:grant-type:device_code'],
    });
    const { challenge } = pkcePair();
    const url = authorizeUrl(stack.url, { clientId, redirectUri: 'http://127.0.0.1:7777/cb', challenge });
    const page = await fetch(url, {
      redirect: 'manual',
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    });
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain('grant_types must include authorization_code');
    expect(html).toMatch(/tell the application&#39;s maker|tell the application's maker/);
    const json = await fetch(url, { redirect: 'manual', headers: { accept: 'application/json' } });
    expect(json.status).toBe(400);
    expect(json.headers.get('content-type')).toMatch(/application\/json/);
    expect(await json.json()).toEqual({
      error: 'invalid_client',
      error_description: expect.stringContaining('grant_types must include authorization_code'),
    });
    const logged = stack.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.event === 'authorize_unknown_client' && l.clientId === clientId);
    expect(logged.length).toBe(2);
    expect(String(logged[0]!.reason)).toContain('grant_types must include authorization_code');
  });
});

describe('INPUT-10: metadata documents are never fetched from private addresses', () => {
  let stack: Stack;
  let trap: TcpServer;
  let trapPort: number;
  let connections = 0;
  beforeAll(async () => {
    trap = createTcpServer((s) => {
      connections += 1;
      s.destroy();
    });
    trapPort = await listen(trap);
    stack = await startStack();
  });
  afterAll(async () => {
    await stack.close();
    trap.close();
  });

  it.each([
    () => `https://127.0.0.1:${trapPort}/x`,
    () => `https://localhost:${trapPort}/x`,
    () => `https://[::ffff:127.0.0.1]:${trapPort}/x`,
    () => 'https://169.254.169.254/latest/meta-data',
    () => 'https://[::ffff:10.0.0.1]/x',
    () => `http://example.com:${trapPort}/x`,
  ])('client_id %# is refused without a connection', async (make) => {
    const { challenge } = pkcePair();
    const res = await fetch(
      authorizeUrl(stack.url, { clientId: make(), redirectUri: 'http://127.0.0.1:7777/cb', challenge }),
      { redirect: 'manual' },
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(connections).toBe(0);
  });
});

describe('dynamic registration deduplicates identical public clients', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('the same public registration twice → the same client_id; a confidential one always gets its own', async () => {
    const meta = {
      client_name: 'Cold Start',
      redirect_uris: ['http://127.0.0.1:9999/cb'],
      token_endpoint_auth_method: 'none',
    };
    const a = await registerClient(stack.url, meta);
    const b = await registerClient(stack.url, meta);
    expect(b.client_id).toBe(a.client_id);
    const c = await registerClient(stack.url, { ...meta, redirect_uris: ['http://127.0.0.1:9999/other'] });
    expect(c.client_id).not.toBe(a.client_id);
    const s1 = await registerClient(stack.url, { ...meta, token_endpoint_auth_method: 'client_secret_post' });
    const s2 = await registerClient(stack.url, { ...meta, token_endpoint_auth_method: 'client_secret_post' });
    expect(s1.client_id).not.toBe(s2.client_id);
  });
});
