// The client matrix's SDK v2 rows (issue "Every real client connects"): the MCP TypeScript
// SDK v2 client (@modelcontextprotocol/client) in its three version-negotiation modes —
// legacy (the 2025-11-25 initialize handshake), auto (probe with server/discover, fall back
// on a 2025-only server) and pinned to 2026-07-28 — each through the whole OAuth flow
// against `npm run sandbox`, then tools/list, a tool call and a refresh of an expired
// access token. What the server saw is read from its own request log (src/http/request-log.ts
// names each /mcp request's era and method): a pinned or auto client connects with one
// server/discover and no initialize, i.e. no fallback round trip.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport, UnauthorizedError, type FetchLike } from '@modelcontextprotocol/client';
import { startSandbox, type SandboxProcess } from '../support/sandbox-process.js';
import { HeadlessProvider } from '../support/sdk-oauth-provider.js';
import { ALL_TOOLS } from '../support/tool-names.js';

const ACCESS_TTL_S = 3;

type Mode = 'legacy' | 'auto' | { pin: '2026-07-28' };

interface Sent {
  method: string;
  url: string;
  status: number;
  /** The JSON-RPC method of a POST body, or the token grant type. */
  what?: string;
}

/** A /mcp request as the server logged it. */
interface Logged {
  status: number;
  era?: string;
  method?: string;
}

let sandbox: SandboxProcess;

beforeAll(async () => {
  sandbox = await startSandbox({ env: { ACCESS_TOKEN_TTL_S: String(ACCESS_TTL_S) } });
}, 90_000);

afterAll(() => {
  sandbox?.kill();
});

/**
 * The server's request-log lines for POST /mcp written after `mark` (a length of its
 * output). A 2025-era client may also try GET /mcp for a standalone stream (answered 405).
 */
function serverSaw(mark: number): Logged[] {
  return sandbox
    .output()
    .slice(mark)
    .split('\n')
    .filter(
      (l) =>
        l.startsWith('{') &&
        l.includes('"event":"http"') &&
        l.includes('"method":"POST"') &&
        l.includes('"url":"/mcp"'),
    )
    .map((l) => JSON.parse(l) as { status: number; mcp?: { era: string; method: string } })
    .map((r) => ({ status: r.status, era: r.mcp?.era, method: r.mcp?.method }));
}

/** One client of one mode: its own registration, consent and tokens. */
function row(mode: Mode, port: number) {
  const provider = new HeadlessProvider('alice', `http://127.0.0.1:${port}/callback`);
  const sent: Sent[] = [];
  const fetchLog: FetchLike = async (input, init) => {
    const res = await fetch(input, init);
    const body =
      typeof init?.body === 'string'
        ? init.body
        : init?.body instanceof URLSearchParams
          ? init.body.toString()
          : undefined;
    const what = body?.startsWith('{')
      ? (JSON.parse(body) as { method?: string }).method
      : body
        ? (new URLSearchParams(body).get('grant_type') ?? undefined)
        : undefined;
    sent.push({
      method: init?.method ?? 'GET',
      url: input instanceof URL ? input.href : String(input),
      status: res.status,
      ...(what ? { what } : {}),
    });
    return res;
  };
  const transport = () =>
    new StreamableHTTPClientTransport(new URL(sandbox.mcpUrl), { authProvider: provider, fetch: fetchLog });
  const client = () =>
    new Client(
      { name: `sdk-v2-${typeof mode === 'string' ? mode : 'pinned'}`, version: '2.4.0' },
      { versionNegotiation: { mode } },
    );
  return { provider, sent, transport, client };
}

/** The client's POSTs to /mcp as `<JSON-RPC method> <status>`. */
const posts = (s: Sent[]) =>
  s.filter((x) => x.method === 'POST' && x.url === sandbox.mcpUrl).map((x) => `${x.what ?? '-'} ${x.status}`);

describe.each<[string, Mode, number, 'legacy' | 'modern']>([
  ['legacy (2025-11-25)', 'legacy', 7793, 'legacy'],
  ['auto', 'auto', 7794, 'modern'],
  ['pinned to 2026-07-28', { pin: '2026-07-28' }, 7795, 'modern'],
])('SDK v2 client, %s', (_label, mode, port, era) => {
  const r = row(mode, port);
  let client: Client;

  it('first connect: 401 → discovery → registration → our consent page → OSC → code; finishAuth exchanges it', async () => {
    const first = r.transport();
    await expect(r.client().connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(r.sent[0]).toMatchObject({
      url: sandbox.mcpUrl,
      status: 401,
      what: era === 'legacy' ? 'initialize' : 'server/discover',
    });
    expect(r.sent.some((s) => s.url.endsWith('/register') && s.status === 201)).toBe(true);
    expect(r.provider.consentHtml).toContain('SDK e2e client');
    // The SDK leaves `state` to the caller and checks our `iss` itself (RFC 9207).
    const landing = r.provider.landing!.searchParams;
    expect(landing.get('state')).toBe(r.provider.stateValue);
    await first.finishAuth(landing);
    expect(r.provider.tokens()?.refresh_token).toBeTruthy();
  }, 60_000);

  it(`connects on the ${era} era${era === 'modern' ? ' with one server/discover and no initialize (no fallback round trip)' : ''}`, async () => {
    const mark = sandbox.output().length;
    const from = r.sent.length;
    client = r.client();
    await client.connect(r.transport());
    expect(client.getProtocolEra()).toBe(era);

    // What the client sent, in order (a 401 here would only mean the short-lived token expired on a loaded machine).
    const sent = posts(r.sent.slice(from)).filter((s) => !s.endsWith(' 401'));
    expect(sent).toEqual(
      era === 'modern' ? ['server/discover 200'] : ['initialize 200', 'notifications/initialized 202'],
    );
    // What the server saw: the same, by era.
    const expected =
      era === 'modern'
        ? [{ status: 200, era: 'modern', method: 'server/discover' }]
        : [
            { status: 200, era: 'legacy', method: 'initialize' },
            { status: 202, era: 'legacy', method: 'notifications/initialized' },
          ];
    await expect.poll(() => serverSaw(mark).filter((l) => l.status !== 401), { timeout: 5_000 }).toEqual(expected);
  }, 30_000);

  it('tools/list and a tool call (output validated by the client against our output schema)', async () => {
    const mark = sandbox.output().length;
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(ALL_TOOLS);
    for (const t of tools) expect(t.outputSchema?.type).toBe('object');
    const result = await client.callTool({ name: 'token_balance', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ plan: 'PROFESSIONAL' });
    await expect
      .poll(
        () =>
          serverSaw(mark)
            .filter((l) => l.status === 200)
            .map((l) => `${l.era} ${l.method}`),
        { timeout: 5_000 },
      )
      .toEqual([`${era} tools/list`, `${era} tools/call`]);
  }, 30_000);

  it('an expired access token: 401, the SDK refreshes by itself (rotated pair), the call succeeds, no consent page', async () => {
    const saved = r.provider.saved.length;
    const oldRefresh = r.provider.tokens()!.refresh_token;
    await r.provider.accessTokenExpired(ACCESS_TTL_S);
    const from = r.sent.length;
    const result = await client.callTool({ name: 'token_balance', arguments: {} });
    expect(result.isError).toBeFalsy();
    const after = r.sent.slice(from);
    expect(after[0]).toMatchObject({ url: sandbox.mcpUrl, status: 401, what: 'tools/call' });
    expect(after.find((s) => s.what === 'refresh_token')?.status).toBe(200);
    expect(after.at(-1)).toMatchObject({ url: sandbox.mcpUrl, status: 200, what: 'tools/call' });
    expect(after.some((s) => s.url.includes('/authorize'))).toBe(false);
    expect(r.provider.saved.length).toBe(saved + 1);
    expect(r.provider.tokens()!.refresh_token).not.toBe(oldRefresh);
    await client.close();
  }, 30_000);
});
