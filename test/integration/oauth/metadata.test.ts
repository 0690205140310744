// OAUTH-01, -02, -03, -36: discovery documents and the first challenge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../support/stack.js';
import { mcpPost } from '../../support/oauth-flow.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { TRUST_PROXY: '1' } });
});
afterAll(() => stack.close());

describe('authorization server metadata (RFC 8414)', () => {
  it('OAUTH-01: one canonical issuer, S256 only, iss parameter, revocation, CIMD', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const res = await fetch(`${stack.url}${path}`);
      expect(res.status).toBe(200);
      const m = (await res.json()) as Record<string, unknown>;
      expect(m.issuer).toBe(stack.url);
      expect(m.code_challenge_methods_supported).toEqual(['S256']);
      expect(m.response_types_supported).toEqual(['code']);
      expect(m.grant_types_supported).toEqual(['authorization_code', 'refresh_token']);
      expect(m.authorization_response_iss_parameter_supported).toBe(true);
      expect(m.client_id_metadata_document_supported).toBe(true);
      expect(m.token_endpoint_auth_methods_supported).toEqual([
        'none',
        'client_secret_post',
        'client_secret_basic',
        'private_key_jwt',
      ]);
      expect(m.token_endpoint_auth_signing_alg_values_supported).toContain('RS256');
      expect(m.token_endpoint_auth_signing_alg_values_supported).not.toContain('HS256');
      expect(m.revocation_endpoint).toBe(`${stack.url}/revoke`);
      expect(m.registration_endpoint).toBe(`${stack.url}/register`);
      expect(m.authorization_endpoint).toBe(`${stack.url}/authorize`);
      expect(m.token_endpoint).toBe(`${stack.url}/token`);
    }
  });
});

describe('protected resource metadata (RFC 9728)', () => {
  it('OAUTH-02: built from PUBLIC_URL, whatever Host or X-Forwarded-Host say; no offline_access', async () => {
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      for (const headers of [
        {},
        { host: 'evil.example' },
        { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
      ] as Record<string, string>[]) {
        const res = await fetch(`${stack.url}${path}`, { headers });
        expect(res.status).toBe(200);
        const m = (await res.json()) as Record<string, unknown>;
        expect(m.resource).toBe(`${stack.url}/mcp`);
        expect(m.authorization_servers).toEqual([stack.url]);
        expect(m.scopes_supported).toEqual(['osc:read', 'osc:write']);
      }
    }
  });

  it('OAUTH-03: POST /mcp without a token → 401 with resource_metadata and scope, no stack', async () => {
    const res = await mcpPost(stack.mcpUrl, undefined, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(res.status).toBe(401);
    const www = res.headers.get('www-authenticate') ?? '';
    expect(www).toContain(`resource_metadata="${stack.url}/.well-known/oauth-protected-resource/mcp"`);
    expect(www).toContain('scope="osc:read osc:write"');
    const body = await res.text();
    expect(body).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('CORS (OAUTH-36)', () => {
  it('answers cross-origin requests on metadata, /register and /token only', async () => {
    const origin = 'https://site.example';
    const corsFor = async (method: string, path: string) => {
      const res = await fetch(`${stack.url}${path}`, {
        method,
        redirect: 'manual',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      return res.headers.get('access-control-allow-origin');
    };
    expect(await corsFor('OPTIONS', '/.well-known/oauth-authorization-server')).toBeTruthy();
    expect(await corsFor('GET', '/.well-known/oauth-protected-resource/mcp')).toBeTruthy();
    expect(await corsFor('OPTIONS', '/register')).toBeTruthy();
    expect(await corsFor('OPTIONS', '/token')).toBeTruthy();
    expect(await corsFor('OPTIONS', '/authorize')).toBeNull();
    expect(await corsFor('GET', '/authorize')).toBeNull();
    expect(await corsFor('OPTIONS', '/consent')).toBeNull();
  });

  it('exposes WWW-Authenticate on /mcp so browser clients can start OAuth', async () => {
    const res = await mcpPost(
      stack.mcpUrl,
      undefined,
      { jsonrpc: '2.0', id: 1, method: 'ping' },
      { origin: stack.url },
    );
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-expose-headers') ?? '').toMatch(/www-authenticate/i);
  });
});
