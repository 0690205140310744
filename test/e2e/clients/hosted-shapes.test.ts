// The request shapes of hosted and desktop clients (claude.ai, Claude Code, Cursor, VS Code
// current and older, ChatGPT) against `npm run sandbox`: each registers with its published
// body or is identified by its published metadata document (served from loopback, which only
// the sandbox accepts), authorizes through our consent page and the emulator's OSC pages
// with its own redirect URI, redeems the code with its own client authentication (ChatGPT:
// private_key_jwt, RS256, jwks_uri), lists tools, calls one, and refreshes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startSandbox, type SandboxProcess } from '../../support/sandbox-process.js';
import { authorize, tokenRequest, type RegisteredClient, type Tokens } from '../../support/oauth-flow.js';
import { HOSTED_CLIENTS, type HostedClient } from '../../support/hosted-clients.js';
import { assertionFields, newClientKey, signAssertion, type ClientKey } from '../../support/client-keys.js';

let sandbox: SandboxProcess;
let docs: Server;
let docBase: string;
let base: string;
let chatgptKey: ClientKey;
const served = new Map<string, string>();

beforeAll(async () => {
  chatgptKey = await newClientKey('RS256');
  docs = createServer((req, res) => {
    const body = served.get(req.url ?? '');
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' }).end(body);
  });
  await new Promise<void>((resolve) => docs.listen(0, '127.0.0.1', resolve));
  docBase = `http://127.0.0.1:${(docs.address() as { port: number }).port}`;
  served.set('/oauth/jwks.json', JSON.stringify({ keys: [chatgptKey.publicJwk] }));
  sandbox = await startSandbox();
  base = new URL(sandbox.mcpUrl).origin;
}, 90_000);

afterAll(async () => {
  sandbox?.kill();
  await sandbox?.exited;
  docs?.close();
});

/** The client's own authentication at /token: ChatGPT signs an assertion, others send an id (and secret). */
async function clientAuth(h: HostedClient, client: RegisteredClient): Promise<Record<string, string>> {
  if (h.assertionAlg) return assertionFields(await signAssertion(chatgptKey, client.client_id, `${base}/token`));
  return client.client_secret
    ? { client_id: client.client_id, client_secret: client.client_secret }
    : { client_id: client.client_id };
}

async function callTool(accessToken: string): Promise<{ tools: string[]; text: string }> {
  const transport = new StreamableHTTPClientTransport(new URL(sandbox.mcpUrl), {
    requestInit: { headers: { authorization: `Bearer ${accessToken}` } },
  });
  const client = new Client({ name: 'hosted-shape', version: '1.0.0' });
  await client.connect(transport);
  try {
    const tools = (await client.listTools()).tools.map((t) => t.name);
    const result = await client.callTool({ name: 'token_balance', arguments: {} });
    expect(result.isError ?? false).toBe(false);
    const text = (result.content as { type: string; text?: string }[]).map((c) => c.text ?? '').join('\n');
    return { tools, text };
  } finally {
    await client.close();
  }
}

describe.each(HOSTED_CLIENTS.map((h) => [h.name, h] as const))('%s', (_name, h) => {
  it('registers or is recognised, authorizes, gets a token, calls a tool, refreshes', async () => {
    let client: RegisteredClient;
    if (h.kind === 'cimd') {
      const doc = h.body(docBase);
      served.set(h.path!, JSON.stringify(doc));
      client = { client_id: doc.client_id as string, redirect_uris: [h.redirectUri] };
    } else {
      const res = await fetch(`${base}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(h.body(docBase)),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      const registered = (await res.json()) as RegisteredClient & { grant_types: string[] };
      // What we could not honour was left out, not refused.
      expect(registered.grant_types).toEqual(['authorization_code', 'refresh_token']);
      client = { ...registered, redirect_uris: [h.redirectUri] };
    }
    const r = await authorize(base, { client, redirectUri: h.redirectUri, user: 'alice', resource: sandbox.mcpUrl });
    expect(r.location.searchParams.get('iss')).toBe(base);
    expect(r.code).toBeTruthy();
    const issued = await tokenRequest(base, {
      grant_type: 'authorization_code',
      code: r.code!,
      code_verifier: r.verifier,
      redirect_uri: r.redirectUri,
      resource: sandbox.mcpUrl,
      ...(await clientAuth(h, client)),
    });
    expect(issued.status, JSON.stringify(issued.body)).toBe(200);
    const tokens = issued.body as unknown as Tokens;

    const { tools, text } = await callTool(tokens.access_token);
    expect(tools).toContain('token_balance');
    expect(text).toMatch(/balance|token/i);

    const refreshed = await tokenRequest(base, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      ...(await clientAuth(h, client)),
    });
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    expect(refreshed.body.access_token).not.toBe(tokens.access_token);
  });
});

describe('ChatGPT (private_key_jwt): its declared method is the only one it may use', () => {
  it('a token request with only its client_id (no assertion) is refused with invalid_client saying why', async () => {
    const h = HOSTED_CLIENTS.find((c) => c.assertionAlg)!;
    const doc = h.body(docBase);
    served.set(h.path!, JSON.stringify(doc));
    const res = await tokenRequest(base, {
      grant_type: 'authorization_code',
      code: 'x',
      code_verifier: 'v'.repeat(43),
      client_id: doc.client_id as string,
    });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(String(res.body.error_description)).toMatch(/private_key_jwt/);
  });
});
