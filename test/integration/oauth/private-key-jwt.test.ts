// private_key_jwt over HTTP (RFC 7523 §2.2; src/oauth/client-auth.ts): a dynamically
// registered client with inline `jwks`, and a metadata-document client whose `jwks_uri`
// rotates its key; a replayed assertion and a secret-less request are refused with reasons.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { startStack, type Stack } from '../../support/stack.js';
import { authorize, registerClient, tokenRequest, type RegisteredClient } from '../../support/oauth-flow.js';
import { assertionFields, newClientKey, signAssertion, type ClientKey } from '../../support/client-keys.js';

let stack: Stack;
let docs: Server;
let docBase: string;
const served = new Map<string, string>();
let jwksFetches = 0;
/** The server's clock, moved forward to pass the once-a-minute refetch bound. */
let offsetMs = 0;
const now = () => Date.now() + offsetMs;
const nowS = () => Math.floor(now() / 1000);

beforeAll(async () => {
  docs = createServer((req, res) => {
    if (req.url === '/jwks.json') jwksFetches += 1;
    const body = served.get(req.url ?? '');
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => docs.listen(0, '127.0.0.1', resolve));
  docBase = `http://127.0.0.1:${(docs.address() as { port: number }).port}`;
  stack = await startStack({ overrides: { cimd: { allowLoopbackHttp: true }, now } });
});
afterAll(async () => {
  await stack?.close();
  docs?.close();
});

async function codeFor(client: RegisteredClient) {
  const r = await authorize(stack.url, { client, user: 'alice' });
  return { grant_type: 'authorization_code', code: r.code!, code_verifier: r.verifier, redirect_uri: r.redirectUri };
}

describe('a registered client with inline jwks', () => {
  it('redeems with an assertion addressed to our issuer; a replay and a request without one are refused', async () => {
    const key: ClientKey = await newClientKey('ES256');
    const client = await registerClient(stack.url, {
      client_name: 'Key client',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [key.publicJwk] },
    });
    expect(client.client_secret).toBeUndefined();

    const form = await codeFor(client);
    const without = await tokenRequest(stack.url, { ...form, client_id: client.client_id });
    expect(without.status).toBe(401);
    expect(String(without.body.error_description)).toMatch(/private_key_jwt/);

    const assertion = await signAssertion(key, client.client_id, stack.replica.url);
    const ok = await tokenRequest(stack.url, { ...form, ...assertionFields(assertion) });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const replay = await tokenRequest(stack.url, {
      grant_type: 'refresh_token',
      refresh_token: String(ok.body.refresh_token),
      ...assertionFields(assertion),
    });
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({
      error: 'invalid_client',
      error_description: expect.stringMatching(/already used/),
    });
    const logged = stack.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.event === 'token_refused');
    expect(logged.some((l) => /already used/.test(String(l.reason)))).toBe(true);
    // Nothing secret in the reason: never the assertion itself.
    expect(stack.logs.join('\n')).not.toContain(assertion);
  });
});

describe('a metadata-document client with a jwks_uri', () => {
  it('follows a key rotation: an unknown kid refetches the key set, at most once a minute', async () => {
    const first = await newClientKey('RS256');
    const second = await newClientKey('RS256');
    const clientId = `${docBase}/rotating.json`;
    served.set(
      '/rotating.json',
      JSON.stringify({
        client_id: clientId,
        client_name: 'Rotating',
        redirect_uris: ['http://127.0.0.1:7777/cb'],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: `${docBase}/jwks.json`,
      }),
    );
    served.set('/jwks.json', JSON.stringify({ keys: [first.publicJwk] }));
    const client: RegisteredClient = { client_id: clientId, redirect_uris: ['http://127.0.0.1:7777/cb'] };

    const sign = (key: ClientKey) => signAssertion(key, clientId, `${stack.replica.url}/token`, { nowS: nowS() });
    const a = await tokenRequest(stack.url, { ...(await codeFor(client)), ...assertionFields(await sign(first)) });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(jwksFetches).toBe(1);
    // The client rotates to a new key; our cached set does not know its kid yet.
    served.set('/jwks.json', JSON.stringify({ keys: [second.publicJwk] }));
    const b = await tokenRequest(stack.url, { ...(await codeFor(client)), ...assertionFields(await sign(second)) });
    // Refetches are at most once a minute per key set: within the minute the new kid is refused.
    expect(b.status).toBe(401);
    expect(String(b.body.error_description)).toMatch(/no key/);
    expect(jwksFetches).toBe(1);
    offsetMs += 61_000;
    const c = await tokenRequest(stack.url, { ...(await codeFor(client)), ...assertionFields(await sign(second)) });
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect(jwksFetches).toBe(2);
  });
});
