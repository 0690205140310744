import { describe, expect, it } from 'vitest';
import { CHALLENGE_RE, VERIFIER_RE, s256, verifyS256 } from '../../../src/oauth/pkce.js';
import { newPkcePair } from '../../../src/osc/lifecycle/sign-in.js';

describe('PKCE S256 (RFC 7636)', () => {
  it('matches the RFC 7636 appendix B vector', () => {
    expect(s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(
      verifyS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'),
    ).toBe(true);
    expect(
      verifyS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'),
    ).toBe(false);
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
