// Request-log redaction (SECRETS-08).
import { describe, expect, it } from 'vitest';
import { redactedUrl } from '../../../src/http/request-log.js';

describe('redactedUrl (SECRETS-08)', () => {
  it('redacts code, state, code_verifier and the other single-use or secret values', () => {
    const url = redactedUrl(
      '/oauth/callback?code=c0de&state=st4te&code_verifier=v3r&iss=https%3A%2F%2Fapp.osaas.io&x=1',
    );
    expect(url).toBe(
      '/oauth/callback?code=[redacted]&state=[redacted]&code_verifier=[redacted]&iss=https%3A%2F%2Fapp.osaas.io&x=1',
    );
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

describe('redactedUrl (SECRET-09): the secret pages’ links', () => {
  it('names the page, never the link, with or without a query', () => {
    const id = 'Ab3_-'.repeat(8).slice(0, 43);
    expect(redactedUrl(`/secrets/enter/${id}`)).toBe('/secrets/enter/[redacted]');
    expect(redactedUrl(`/secrets/connection/${id}?x=1&csrf=c`)).toBe(
      '/secrets/connection/[redacted]?x=1&csrf=[redacted]',
    );
    expect(redactedUrl('/secrets/other/abc')).toBe('/secrets/other/abc');
    expect(redactedUrl(`/x/secrets/enter/${id}`)).toBe(`/x/secrets/enter/${id}`);
  });
});
