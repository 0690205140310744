// The MCP TypeScript SDK's own client (1.32.2) against the whole stack: discovery (RFC 9728,
// RFC 8414), dynamic registration, the authorization redirect driven headlessly through OUR
// consent page and the emulator's OSC pages, finishAuth, authenticated calls, then an
// expired access token that the SDK refreshes by itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError, auth } from '@modelcontextprotocol/sdk/client/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { startStack, type Stack } from '../support/stack.js';
import { HeadlessProvider } from '../support/sdk-oauth-provider.js';
import { ALL_TOOLS } from '../support/tool-names.js';

const ACCESS_TTL_S = 2;
const REDIRECT_URI = 'http://127.0.0.1:7791/callback';

interface Sent {
  method: string;
  url: string;
  status: number;
  body?: string;
}

let stack: Stack;
const sent: Sent[] = [];

/** fetch with a log of every request the SDK makes (URLs and token-request bodies only). */
const loggingFetch: FetchLike = async (input, init) => {
  const res = await fetch(input, init);
  const url = input instanceof URL ? input.href : String(input);
  const body =
    typeof init?.body === 'string'
      ? init.body
      : init?.body instanceof URLSearchParams
        ? init.body.toString()
        : undefined;
  sent.push({
    method: init?.method ?? 'GET',
    url,
    status: res.status,
    ...(url.endsWith('/token') && body ? { body } : {}),
  });
  return res;
};

const provider = new HeadlessProvider('alice', REDIRECT_URI);
const transports: StreamableHTTPClientTransport[] = [];
function newTransport(): StreamableHTTPClientTransport {
  const t = new StreamableHTTPClientTransport(new URL(stack.mcpUrl), { authProvider: provider, fetch: loggingFetch });
  transports.push(t);
  return t;
}

beforeAll(async () => {
  stack = await startStack({ env: { ACCESS_TOKEN_TTL_S: String(ACCESS_TTL_S) } });
}, 60_000);

afterAll(async () => {
  for (const t of transports) await t.close().catch(() => undefined);
  await stack?.close();
});

describe('MCP SDK client (StreamableHTTPClientTransport + OAuthClientProvider)', () => {
  let client: Client;

  it('first connect: 401 → discovery → registration → our consent page → OSC → code; connect rejects with UnauthorizedError', async () => {
    const transport = newTransport();
    const first = new Client({ name: 'sdk-e2e', version: '1.0.0' });
    await expect(first.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);

    // Discovery went where the spec says: the challenge, PRM (path-inserted), AS metadata.
    const urls = sent.map((s) => `${s.method} ${s.url.split('?')[0]} ${s.status}`);
    expect(urls[0]).toBe(`POST ${stack.mcpUrl} 401`);
    expect(urls).toContain(`GET ${stack.url}/.well-known/oauth-protected-resource/mcp 200`);
    expect(urls).toContain(`GET ${stack.url}/.well-known/oauth-authorization-server 200`);
    expect(urls).toContain(`POST ${stack.url}/register 201`);
    expect(provider.info?.client_id).toMatch(/^oscm_client_/);

    // The user saw OUR consent page, naming the client as self-declared and the redirect host.
    expect(provider.consentHtml).toContain('SDK e2e client');
    expect(provider.consentHtml).toContain('unverified');
    expect(provider.consentHtml).toContain('127.0.0.1:7791');

    // The redirect URI received code, the SDK's state and our issuer.
    const landing = provider.landing!;
    expect(`${landing.origin}${landing.pathname}`).toBe(REDIRECT_URI);
    expect(landing.searchParams.get('state')).toBe(provider.stateValue);
    expect(landing.searchParams.get('iss')).toBe(stack.url);
    expect(landing.searchParams.get('code')).toMatch(/^oscm_code_/);
  }, 60_000);

  it('finishAuth(code) exchanges the code with PKCE and the resource indicator', async () => {
    const transport = transports[0]!;
    await transport.finishAuth(provider.landing!.searchParams.get('code')!);
    const tokens = provider.tokens()!;
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.expires_in).toBe(ACCESS_TTL_S);
    expect(tokens.refresh_token).toBeTruthy();
    const exchange = sent.find(
      (s) => s.url === `${stack.url}/token` && s.body?.includes('grant_type=authorization_code'),
    );
    expect(exchange?.status).toBe(200);
    const form = new URLSearchParams(exchange!.body);
    expect(form.get('code_verifier')).toBeTruthy();
    expect(form.get('resource')).toBe(stack.mcpUrl);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
  });

  it('an authenticated session: initialize, tools/list, tools/call token_balance', async () => {
    client = new Client({ name: 'sdk-e2e', version: '1.0.0' });
    await client.connect(newTransport());
    expect(client.getServerVersion()?.name).toBeTruthy();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(ALL_TOOLS);
    const result = await client.callTool({ name: 'token_balance', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ plan: 'PROFESSIONAL' });
  }, 30_000);

  it('after the access token expires, the SDK refreshes on the 401 by itself and the next call succeeds', async () => {
    const before = provider.saved.length;
    const oldAccess = provider.tokens()!.access_token;
    const oldRefresh = provider.tokens()!.refresh_token;
    await provider.accessTokenExpired(ACCESS_TTL_S);
    const mark = sent.length;
    const result = await client.callTool({ name: 'token_balance', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ plan: 'PROFESSIONAL' });

    const after = sent.slice(mark).map((s) => `${s.method} ${s.url} ${s.status}`);
    expect(after[0]).toBe(`POST ${stack.mcpUrl} 401`);
    const refresh = sent.slice(mark).find((s) => s.body?.includes('grant_type=refresh_token'));
    expect(refresh?.status).toBe(200);
    expect(new URLSearchParams(refresh!.body).get('resource')).toBe(stack.mcpUrl);
    expect(after.at(-1)).toBe(`POST ${stack.mcpUrl} 200`);
    // Rotated: a new pair was saved.
    expect(provider.saved.length).toBe(before + 1);
    expect(provider.tokens()!.access_token).not.toBe(oldAccess);
    expect(provider.tokens()!.refresh_token).not.toBe(oldRefresh);
    // No second trip through the consent page.
    expect(sent.slice(mark).some((s) => s.url.includes('/authorize'))).toBe(false);
  }, 30_000);

  it('auth() with a stored refresh token refreshes without a redirect (AUTHORIZED)', async () => {
    const before = provider.saved.length;
    await expect(auth(provider, { serverUrl: stack.mcpUrl, fetchFn: loggingFetch })).resolves.toBe('AUTHORIZED');
    expect(provider.saved.length).toBe(before + 1);
    const tools = await client.listTools();
    expect(tools.tools.length).toBeGreaterThan(0);
  }, 30_000);
});
