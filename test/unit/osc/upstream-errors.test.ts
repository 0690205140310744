/** The one upstream error factory (src/osc/upstream-errors.ts): our wording outside, OSC's text only in a scrubbed detail. */
import { describe, expect, it } from 'vitest';
import { FetchError } from '@osaas/client-core';
import {
  UpstreamAuthError,
  UpstreamBadResponseError,
  UpstreamClientError,
  UpstreamConflictError,
  UpstreamNetworkError,
  UpstreamNotFoundError,
  UpstreamRateLimitedError,
  UpstreamServerError,
  UpstreamTimeoutError,
} from '../../../src/errors.js';
import { parseRetryAfter, toUpstreamError } from '../../../src/osc/upstream-errors.js';

describe('toUpstreamError', () => {
  it.each([
    [401, UpstreamAuthError],
    [403, UpstreamClientError],
    [404, UpstreamNotFoundError],
    [409, UpstreamConflictError],
    [422, UpstreamClientError],
    [429, UpstreamRateLimitedError],
    [500, UpstreamServerError],
    [504, UpstreamServerError],
    [302, UpstreamBadResponseError],
  ])('status %i → %o', (status, cls) => {
    expect(toUpstreamError({ status })).toBeInstanceOf(cls);
  });

  it('keeps the upstream text out of the message, scrubbed and short in the detail', () => {
    const body = `{"msg":"bad token osc_pat_CANARY_0123456789abcdef01234567 eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.c2lnbmF0dXJl"} ${'x'.repeat(1000)}`;
    const e = toUpstreamError({ status: 500, body });
    expect(e.message).toBe('OSC failed to handle the request');
    expect(e.detail).not.toContain('CANARY');
    expect(e.detail).not.toContain('eyJ');
    expect(e.detail!.length).toBeLessThanOrEqual(300);
  });

  it('reads the SDK FetchError by its httpCode, and its message only as detail', () => {
    const e = toUpstreamError(new FetchError({ message: 'Name is already taken', httpCode: 409 }));
    expect(e).toBeInstanceOf(UpstreamConflictError);
    expect(e.message).not.toContain('taken');
    expect(e.detail).toBe('Name is already taken');
  });

  it('a FetchError without a status uses the undici cause kept beside it', () => {
    const fe = new FetchError({ message: 'fetch failed' });
    expect(toUpstreamError(fe)).toBeInstanceOf(UpstreamNetworkError);
    expect(toUpstreamError(fe, Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toBeInstanceOf(
      UpstreamTimeoutError,
    );
    expect(
      toUpstreamError(fe, Object.assign(new Error('x'), { code: 'UND_ERR_RES_EXCEEDED_MAX_SIZE' })),
    ).toBeInstanceOf(UpstreamBadResponseError);
  });

  it('fetch failures, aborts and parse errors', () => {
    expect(
      toUpstreamError(
        new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }),
      ),
    ).toBeInstanceOf(UpstreamNetworkError);
    expect(
      toUpstreamError(
        new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'UND_ERR_CONNECT_TIMEOUT' }) }),
      ),
    ).toBeInstanceOf(UpstreamTimeoutError);
    expect(toUpstreamError(new DOMException('t', 'TimeoutError'))).toBeInstanceOf(UpstreamTimeoutError);
    expect(toUpstreamError(new DOMException('a', 'AbortError'))).toBeInstanceOf(UpstreamTimeoutError);
    // undici's RequestAbortedError and Node's AbortError are known by their code, not their name.
    const undiciAbort = Object.assign(new Error('Request aborted'), { name: 'AbortError', code: 'UND_ERR_ABORTED' });
    expect(toUpstreamError(new TypeError('fetch failed', { cause: undiciAbort }))).toBeInstanceOf(UpstreamTimeoutError);
    expect(toUpstreamError(Object.assign(new Error('x'), { code: 'ABORT_ERR' }))).toBeInstanceOf(UpstreamTimeoutError);
    expect(toUpstreamError(Object.assign(new Error('x'), { name: 'TimeoutError' }))).toBeInstanceOf(
      UpstreamNetworkError,
    );
    expect(toUpstreamError(new SyntaxError('Unexpected token <'))).toBeInstanceOf(UpstreamBadResponseError);
  });

  it('transient: 5xx, 429, network; not 4xx, timeouts or bad bodies', () => {
    expect([500, 429].map((status) => toUpstreamError({ status }).transient)).toEqual([true, true]);
    expect([400, 401, 404].map((status) => toUpstreamError({ status }).transient)).toEqual([false, false, false]);
    expect(toUpstreamError(new TypeError('fetch failed')).transient).toBe(true);
    expect(toUpstreamError(new DOMException('t', 'TimeoutError')).transient).toBe(false);
  });

  it('429 carries Retry-After', () => {
    expect((toUpstreamError({ status: 429, retryAfter: '3' }) as UpstreamRateLimitedError).retryAfterMs).toBe(3000);
  });
});

describe('parseRetryAfter', () => {
  it('delay-seconds, HTTP date, garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
