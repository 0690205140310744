// POLICY-02..08 (issue 16, class 5): least-privilege scopes bounded by the registration, and
// no open redirector through open registration (RFC 9700 §4.11.2), black-box over HTTP.
// src/oauth/scopes.ts, src/oauth/client-trust.ts, src/oauth/client-redirect.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../support/stack.js';
import { startDocumentServer, type DocumentServer } from '../../support/document-server.js';
import { pkcePair } from '../../support/emulator.js';
import {
  authorizeUrl,
  connect,
  mcpPost,
  refresh,
  registerClient,
  shownScopes,
  type RegisteredClient,
} from '../../support/oauth-flow.js';
import { decide, openConsent } from '../../support/consent-steps.js';
import { expectClientError, expectClientErrorPage } from '../../support/oauth-expect.js';

let stack: Stack;
let docs: DocumentServer;

beforeAll(async () => {
  docs = await startDocumentServer();
  stack = await startStack({ overrides: { cimd: { allowLoopbackHttp: true } } });
});
afterAll(async () => {
  await stack?.close();
  docs?.close();
});

/** A metadata-document client served from loopback; its id is the document's URL. */
function documentClient(path: string, redirectUri: string, extra: Record<string, unknown> = {}): RegisteredClient {
  const clientId = `${docs.base}${path}`;
  docs.serve(path, {
    client_id: clientId,
    client_name: 'Doc Client',
    redirect_uris: [redirectUri],
    token_endpoint_auth_method: 'none',
    ...extra,
  });
  return { client_id: clientId, redirect_uris: [redirectUri] };
}

/** /authorize with valid parameters, some replaced or removed. */
function authorizeWith(client: RegisteredClient, over: Record<string, string | null> = {}): string {
  const { challenge } = pkcePair();
  const url = new URL(
    authorizeUrl(stack.url, {
      clientId: client.client_id,
      redirectUri: client.redirect_uris[0]!,
      challenge,
      state: 'st-policy',
    }),
  );
  for (const [k, v] of Object.entries(over)) {
    if (v === null) url.searchParams.delete(k);
    else url.searchParams.set(k, v);
  }
  return url.toString();
}

const get = (url: string) => fetch(url, { redirect: 'manual' });

/** Our error page for an unverified client (POLICY-02), for this file's state. */
const expectErrorPage = (res: Response, redirectUri: string, error: string) =>
  expectClientErrorPage(res, { redirectUri, issuer: stack.url, error, state: 'st-policy' });

const ERRORS: [string, Record<string, string | null>, string][] = [
  ['no code_challenge', { code_challenge: null }, 'invalid_request'],
  ['response_type token', { response_type: 'token' }, 'unsupported_response_type'],
  ['another resource', { resource: 'https://other.example/mcp' }, 'invalid_target'],
];

describe('POLICY-02: an unverified client gets its authorization errors on our page, not redirected', () => {
  let client: RegisteredClient;
  beforeAll(async () => {
    client = await registerClient(stack.url, { redirect_uris: ['https://phish.example/landing'] });
  });

  it.each(ERRORS)('dynamically registered, %s → our page naming the host, with a link', async (_n, over, error) => {
    await expectErrorPage(await get(authorizeWith(client, over)), 'https://phish.example/landing', error);
  });

  it('a metadata-document client answered on another host → our page', async () => {
    const other = documentClient('/elsewhere.json', 'https://phish.example/landing');
    await expectErrorPage(
      await get(authorizeWith(other, { code_challenge: null })),
      'https://phish.example/landing',
      'invalid_request',
    );
  });

  it('Deny is the person acting: it still goes straight back to the client', async () => {
    const c = await openConsent(stack.url, client, { state: 'st-deny' });
    expectClientError(await decide(stack.url, c, 'deny'), {
      redirectUri: 'https://phish.example/landing',
      issuer: stack.url,
      error: 'access_denied',
      state: 'st-deny',
    });
  });
});

describe('POLICY-03: a metadata-document client answered on its document host is verified: errors redirect', () => {
  it.each(ERRORS)('%s → 303 to the client with state and iss', async (_n, over, error) => {
    const verified = documentClient('/same-host.json', 'http://127.0.0.1:7777/cb');
    expectClientError(await get(authorizeWith(verified, over)), {
      redirectUri: 'http://127.0.0.1:7777/cb',
      issuer: stack.url,
      error,
      state: 'st-policy',
    });
  });
});

describe('POLICY-04: the consent page warns when the document host and the redirect host differ', () => {
  it('another host → a visible warning naming both; the same host → none', async () => {
    const other = documentClient('/warn.json', 'https://app.other.example/cb');
    const warned = await (await get(authorizeWith(other))).text();
    const warning = /<p class="note warning" id="host-mismatch">(.*?)<\/p>/s.exec(warned)?.[1] ?? '';
    expect(warning).toContain('<span class="host">127.0.0.1</span>');
    expect(warning).toContain('<span class="host">app.other.example</span>');
    const same = documentClient('/nowarn.json', 'http://127.0.0.1:7777/cb');
    const page = await get(authorizeWith(same));
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain('host-mismatch');
  });
});

describe('POLICY-05: a request naming no scope is offered read access only', () => {
  it('no registered scope → only osc:read on the page and in the token; registered scope → what it registered', async () => {
    const client = await registerClient(stack.url);
    const page = await openConsent(stack.url, client, { scope: '' });
    expect(shownScopes(page.html)).toEqual(['osc:read']);
    expect(page.html).toContain('id="scope-default"');
    const { tokens } = await connect(stack.url, { client, scope: '' });
    expect(tokens.scope).toBe('osc:read');

    const wide = await registerClient(stack.url, { scope: 'osc:read osc:write' });
    const offered = await openConsent(stack.url, wide, { scope: '' });
    expect(shownScopes(offered.html)).toEqual(['osc:read', 'osc:write']);
    // The person still decides: leaving osc:write unchecked grants osc:read only.
    const narrowed = await connect(stack.url, { client: wide, scope: '', approveScopes: ['osc:read'] });
    expect(narrowed.tokens.scope).toBe('osc:read');
  });
});

describe('POLICY-06: the registered scope bounds the grant', () => {
  it('registered osc:read, asking both → offered osc:read, the page says osc:write is left out; token osc:read', async () => {
    const client = await registerClient(stack.url, { scope: 'osc:read' });
    const page = await openConsent(stack.url, client, { scope: 'osc:read osc:write' });
    expect(shownScopes(page.html)).toEqual(['osc:read']);
    expect(page.html).toMatch(/id="scope-withheld">[^<]*<strong>osc:write<\/strong>/);
    // Even a forged form naming osc:write grants only what was offered.
    const { tokens } = await connect(stack.url, { client, approveScopes: ['osc:read', 'osc:write'] });
    expect(tokens.scope).toBe('osc:read');
    const r = await refresh(stack.url, client, tokens.refresh_token, { scope: 'osc:read osc:write' });
    expect(r.body.error).toBe('invalid_scope');
  });

  it('a metadata document’s scope bounds its client the same way', async () => {
    const doc = documentClient('/read-only.json', 'http://127.0.0.1:7777/cb', { scope: 'osc:read' });
    const page = await openConsent(stack.url, doc, { scope: 'osc:read osc:write' });
    expect(shownScopes(page.html)).toEqual(['osc:read']);
  });
});

describe('POLICY-07: asking only for scopes outside the registration → invalid_scope', () => {
  it('registered osc:read asking osc:write → invalid_scope (on our page: the client is unverified)', async () => {
    const client = await registerClient(stack.url, { scope: 'osc:read', redirect_uris: ['https://c.example/cb'] });
    await expectErrorPage(
      await get(authorizeWith(client, { scope: 'osc:write' })),
      'https://c.example/cb',
      'invalid_scope',
    );
  });
});

describe('POLICY-08: from the read-only default, a step-up still reaches osc:write', () => {
  it('403 insufficient_scope → re-authorize with the challenged scope → both; the narrow grant is replaced', async () => {
    const client = await registerClient(stack.url, { client_name: 'Default then step-up' });
    const narrow = await connect(stack.url, { client, user: 'alice', scope: '' });
    expect(narrow.tokens.scope).toBe('osc:read');
    const create = {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'create_instance', arguments: { serviceId: 'eyevinn-test-adserver', name: 'policy' } },
    };
    const denied = await mcpPost(stack.mcpUrl, narrow.tokens.access_token, create);
    expect(denied.status).toBe(403);
    const wanted = /scope="([^"]+)"/.exec(denied.headers.get('www-authenticate') ?? '')?.[1];
    expect(wanted).toBe('osc:write');
    // SDK clients ask for what they hold plus what the challenge names.
    const wide = await connect(stack.url, { client, user: 'alice', scope: `osc:read ${wanted}` });
    expect(wide.tokens.scope).toBe('osc:read osc:write');
    const list = { jsonrpc: '2.0', id: 2, method: 'tools/list' };
    expect((await mcpPost(stack.mcpUrl, narrow.tokens.access_token, list)).status).toBe(401);
    expect((await mcpPost(stack.mcpUrl, wide.tokens.access_token, list)).status).toBe(200);
  });
});
