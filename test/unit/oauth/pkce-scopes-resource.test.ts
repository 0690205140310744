import { describe, expect, it } from 'vitest';
import { CHALLENGE_RE, VERIFIER_RE, newPkcePair, s256, verifyS256 } from '../../../src/oauth/pkce.js';
import { parseRequestedScopes, normalizeScopes } from '../../../src/oauth/scopes.js';
import { canonicalResource } from '../../../src/oauth/resource.js';

describe('PKCE S256 (RFC 7636)', () => {
  it('matches the RFC 7636 appendix B vector', () => {
    expect(s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(verifyS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')).toBe(true);
    expect(verifyS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')).toBe(false);
  });
  it('checks syntax of challenges and verifiers', () => {
    const { verifier, challenge } = newPkcePair();
    expect(CHALLENGE_RE.test(challenge)).toBe(true);
    expect(VERIFIER_RE.test(verifier)).toBe(true);
    expect(CHALLENGE_RE.test(challenge.slice(1))).toBe(false);
    expect(CHALLENGE_RE.test(`${challenge}A`)).toBe(false);
    expect(CHALLENGE_RE.test(`${challenge.slice(1)}+`)).toBe(false);
    expect(VERIFIER_RE.test('a'.repeat(42))).toBe(false);
    expect(VERIFIER_RE.test('a'.repeat(129))).toBe(false);
    expect(VERIFIER_RE.test(`${'a'.repeat(42)}+`)).toBe(false);
  });
});

describe('scopes (DESIGN §4)', () => {
  it('drops unknown scopes; none left means both', () => {
    expect(parseRequestedScopes('osc:read')).toEqual(['osc:read']);
    expect(parseRequestedScopes('osc:write openid osc:read')).toEqual(['osc:read', 'osc:write']);
    expect(parseRequestedScopes('offline_access')).toEqual(['osc:read', 'osc:write']);
    expect(parseRequestedScopes(undefined)).toEqual(['osc:read', 'osc:write']);
    expect(normalizeScopes(['osc:admin', 'osc:write'])).toEqual(['osc:write']);
  });
});

describe('canonical resource (RFC 8707)', () => {
  it('ignores case of scheme and host and one trailing slash; refuses fragments', () => {
    expect(canonicalResource('HTTP://127.0.0.1:8080/mcp/')).toBe('http://127.0.0.1:8080/mcp');
    expect(canonicalResource('http://127.0.0.1:8080/mcp#x')).toBeUndefined();
    expect(canonicalResource('not a url')).toBeUndefined();
  });
});
