// Agent frameworks' MCP clients against `npm run sandbox`, each with its own OAuth support
// and an OAuthClientProvider written the way a CLI application writes one (the browser step
// done by fetch through our consent page and the emulator's OSC pages,
// test/support/sdk-oauth-provider.ts): the Vercel AI SDK MCP client (@ai-sdk/mcp, its
// `authProvider`) and LangChain's MCP adapters (@langchain/mcp-adapters, `authProvider` on an
// http server entry). Each runs the whole flow (401 → discovery → registration → consent →
// OSC → code → token), lists tools, calls one, and refreshes an expired access token by itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMCPClient, auth as aiAuth, UnauthorizedError as AiUnauthorizedError } from '@ai-sdk/mcp';
import { MultiServerMCPClient } from '@langchain/mcp-adapters';
import { auth as sdkAuth } from '@modelcontextprotocol/sdk/client/auth.js';
import { startSandbox, type SandboxProcess } from '../../support/sandbox-process.js';
import { HeadlessProvider } from '../../support/sdk-oauth-provider.js';

const ACCESS_TTL_S = 4;
let sandbox: SandboxProcess;

beforeAll(async () => {
  sandbox = await startSandbox({ env: { ACCESS_TOKEN_TTL_S: String(ACCESS_TTL_S) } });
}, 90_000);
afterAll(async () => {
  sandbox?.kill();
  await sandbox?.exited;
});

const textOf = (content: unknown) => (content as { type: string; text?: string }[]).map((c) => c.text ?? '').join('\n');

/** What the redirect URI received: the code and the `iss` (RFC 9207) the library checks. */
function landing(p: HeadlessProvider): { code: string; iss: string; state: string } {
  const l = p.landing;
  if (!l) throw new Error('the authorization never came back to the redirect URI');
  return { code: l.searchParams.get('code')!, iss: l.searchParams.get('iss')!, state: l.searchParams.get('state')! };
}

describe('Vercel AI SDK MCP client (@ai-sdk/mcp 2.0.99)', () => {
  it('authorizes through its authProvider, lists tools, calls one, refreshes by itself', async () => {
    const provider = new HeadlessProvider('bob', 'http://127.0.0.1:7801/callback');
    const transport = { type: 'http' as const, url: sandbox.mcpUrl, authProvider: provider };
    // First connect: the library discovers, registers and sends the user agent through the flow.
    await expect(createMCPClient({ transport })).rejects.toBeInstanceOf(AiUnauthorizedError);
    const back = landing(provider);
    expect(
      await aiAuth(provider, {
        serverUrl: sandbox.mcpUrl,
        authorizationCode: back.code,
        callbackState: back.state,
        callbackIssuer: back.iss,
      }),
    ).toBe('AUTHORIZED');
    expect(provider.saved).toHaveLength(1);

    const client = await createMCPClient({ transport });
    try {
      const tools = (await client.listTools()).tools.map((t) => t.name);
      expect(tools).toContain('token_balance');
      const r = await client.callTool({ name: 'token_balance', arguments: {} });
      expect(r.isError ?? false).toBe(false);
      expect(textOf(r.content)).toMatch(/token/i);
      await provider.accessTokenExpired(ACCESS_TTL_S);
      const again = await client.callTool({ name: 'token_balance', arguments: {} });
      expect(again.isError ?? false).toBe(false);
      // The expired access token was refreshed by the library through our /token.
      expect(provider.saved.length).toBeGreaterThanOrEqual(2);
      expect(provider.saved.at(-1)!.refresh_token).not.toBe(provider.saved[0]!.refresh_token);
    } finally {
      await client.close();
    }
  }, 180_000);
});

describe('LangChain MCP adapters (@langchain/mcp-adapters 1.1.4)', () => {
  it('authorizes through the OAuth provider, loads the tools as LangChain tools, invokes one, refreshes by itself', async () => {
    const provider = new HeadlessProvider('carol', 'http://127.0.0.1:7802/callback');
    // The adapters connect through the MCP SDK, whose auth() runs the flow with this provider;
    // the application completes it with the code its redirect URI received.
    expect(await sdkAuth(provider, { serverUrl: sandbox.mcpUrl })).toBe('REDIRECT');
    const back = landing(provider);
    expect(await sdkAuth(provider, { serverUrl: sandbox.mcpUrl, authorizationCode: back.code })).toBe('AUTHORIZED');

    const client = new MultiServerMCPClient({
      mcpServers: { osc: { transport: 'http', url: sandbox.mcpUrl, authProvider: provider } },
    });
    try {
      const tools = await client.getTools();
      const balance = tools.find((t) => t.name.endsWith('token_balance'));
      expect(balance, tools.map((t) => t.name).join(', ')).toBeDefined();
      expect(JSON.stringify(await balance!.invoke({}))).toMatch(/token/i);
      await provider.accessTokenExpired(ACCESS_TTL_S);
      expect(JSON.stringify(await balance!.invoke({}))).toMatch(/token/i);
      expect(provider.saved.length).toBeGreaterThanOrEqual(2);
    } finally {
      await client.close();
    }
  }, 180_000);
});
