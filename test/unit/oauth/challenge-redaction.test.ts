// Pure pieces behind OAUTH-03/-32 (the challenge header), OAUTH-13 (escaping on our pages)
// and SECRETS-08 (request-log redaction, the log value scrubber).
import { describe, expect, it } from 'vitest';
import { bearerChallenge } from '../../../src/oauth/challenge.js';
import { escapeHtml } from '../../../src/http/page-headers.js';
import { redactedUrl } from '../../../src/http/request-log.js';
import { scrub } from '../../../src/log.js';
import { randomToken } from '../../../src/storage/hash.js';

const RM = 'https://mcp.example/.well-known/oauth-protected-resource/mcp';

describe('bearerChallenge (RFC 6750 §3, RFC 9728 §5.1)', () => {
  it('without an error: only the scope hint and resource_metadata', () => {
    expect(bearerChallenge({ resourceMetadataUrl: RM, scope: 'osc:read osc:write' })).toBe(`Bearer scope="osc:read osc:write", resource_metadata="${RM}"`);
  });

  it('with invalid_token: the error first, resource_metadata always present', () => {
    const v = bearerChallenge({ resourceMetadataUrl: RM, error: 'invalid_token', description: 'expired' });
    expect(v).toBe(`Bearer error="invalid_token", error_description="expired", resource_metadata="${RM}"`);
  });

  it('cannot be broken out of: quotes and backslashes in values are dropped', () => {
    const v = bearerChallenge({ resourceMetadataUrl: RM, error: 'invalid_token', description: 'a" , error="insufficient_scope\\' });
    expect(v.match(/error="/g)).toHaveLength(1);
    expect(v).not.toContain('\\');
    // Every value is one quoted string: count of quotes is even and each pair encloses no quote.
    expect((v.match(/"/g) ?? []).length % 2).toBe(0);
  });
});

describe('escapeHtml (consent and error pages)', () => {
  it('renders a hostile client name inert', () => {
    const out = escapeHtml(`<img src=x onerror=alert(1)>"'&\``);
    expect(out).not.toMatch(/[<>"'`]/);
    expect(out).not.toMatch(/&(?!#\d+;)/);
    expect(out).toContain('&#60;img');
  });

  it('also escapes = and / so attribute-context tricks stay text', () => {
    expect(escapeHtml('https://x/"onerror=alert(1)')).toBe('https:&#47;&#47;x&#47;&#34;onerror&#61;alert(1)');
  });
});

describe('redactedUrl (SECRETS-08)', () => {
  it('redacts code, state, code_verifier and the other single-use or secret values', () => {
    const url = redactedUrl('/oauth/callback?code=c0de&state=st4te&code_verifier=v3r&iss=https%3A%2F%2Fapp.osaas.io&x=1');
    expect(url).toBe('/oauth/callback?code=[redacted]&state=[redacted]&code_verifier=[redacted]&iss=https%3A%2F%2Fapp.osaas.io&x=1');
    for (const k of ['access_token', 'refresh_token', 'token', 'client_secret', 'csrf', 'pending', 'code_challenge']) {
      expect(redactedUrl(`/p?${k}=s3cret-value`)).toBe(`/p?${k}=[redacted]`);
    }
  });

  it('whatever the key case, repetition or percent-encoding', () => {
    const url = redactedUrl('/oauth/callback?CODE=a1a1a1&code=b2b2b2&code=c3c3c3&%73tate=d4d4d4');
    for (const v of ['a1a1a1', 'b2b2b2', 'c3c3c3', 'd4d4d4']) expect(url).not.toContain(v);
  });

  it('leaves a URL without a query alone', () => {
    expect(redactedUrl('/authorize')).toBe('/authorize');
  });
});

describe('scrub (log values)', () => {
  it('removes our prefixed tokens, JWT-shaped PATs and OSC canaries from free text', () => {
    const at = randomToken('oscm_at_');
    const rt = randomToken('oscm_rt_');
    const code = randomToken('oscm_code_');
    const cs = randomToken('oscm_cs_');
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJ0ZW5hbnRJZCI6ImEifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const canary = `osc_rt_CANARY_${'ab'.repeat(16)}`;
    const out = scrub(`at=${at} rt=${rt} code=${code} secret=${cs} pat=${jwt} upstream=${canary}`);
    for (const s of [at, rt, code, cs, jwt, canary]) expect(out).not.toContain(s);
    expect(out.match(/\[redacted\]/g)).toHaveLength(6);
  });
});
