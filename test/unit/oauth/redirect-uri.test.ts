// OAUTH-05 and OAUTH-09 at the policy level (RFC 7591 §3.2.2, RFC 8252 §7.3, BCP §4.1.3).
import { describe, expect, it } from 'vitest';
import { matchRedirectUri, redirectUriProblem } from '../../../src/oauth/redirect-uri.js';
import { MISMATCHED_AT_AUTHORIZE, REFUSED_AT_REGISTRATION } from '../../support/redirect-cases.js';

describe('redirect URI registration policy', () => {
  it.each([...REFUSED_AT_REGISTRATION, 'https://user:pw@c.example/cb', 'myapp://callback', ''])('refuses %j', (uri) => {
    expect(redirectUriProblem(uri)).toBeTypeOf('string');
  });

  it.each([
    'https://c.example/cb',
    'http://127.0.0.1:7777/cb',
    'http://localhost/cb',
    'http://[::1]:33418/',
    'https://claude.ai/api/mcp/auth_callback',
    'https://vscode.dev/redirect',
    'cursor://anysphere.cursor-mcp/oauth/callback',
  ])('accepts %j', (uri) => {
    expect(redirectUriProblem(uri)).toBeUndefined();
  });
});

describe('redirect URI matching at /authorize', () => {
  const registered = ['https://c.example/cb', 'http://127.0.0.1/cb'];
  it.each([...MISMATCHED_AT_AUTHORIZE, 'http://127.0.0.1:5000/cb#x', 'http://127.0.0.1:5000/cb/x'])(
    'refuses %j (OAUTH-09)',
    (uri) => {
      expect(matchRedirectUri(uri, registered)).toBe(false);
    },
  );

  it('accepts the exact URI and a loopback URI on another port (RFC 8252 §7.3)', () => {
    expect(matchRedirectUri('https://c.example/cb', registered)).toBe(true);
    expect(matchRedirectUri('http://127.0.0.1:5000/cb', registered)).toBe(true);
    expect(matchRedirectUri('http://127.0.0.1/cb', registered)).toBe(true);
  });
});
