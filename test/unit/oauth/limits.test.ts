// Which /token refusals an address pays for (docs/limits.md): the caller's own mistakes,
// never our load, our outages or our own 429.
import { describe, expect, it } from 'vitest';
import { isChargeableFailure, addressKey, codeKey, grantKey } from '../../../src/oauth/limits.js';
import {
  InvalidClientError,
  InvalidGrantError,
  InvalidRequestError,
  ServerError,
  TemporarilyUnavailableError,
  TooManyRequestsError,
  UnsupportedGrantTypeError,
} from '../../../src/oauth/errors.js';

describe('token budgets', () => {
  it.each([
    [new InvalidGrantError('x'), true],
    [new InvalidClientError('x'), true],
    [new InvalidRequestError('x'), true],
    [new UnsupportedGrantTypeError('x'), true],
    [new TooManyRequestsError('x'), false],
    [new TemporarilyUnavailableError('x'), false],
    [new ServerError('x'), false],
    [new Error('store down'), false],
  ])('%s charged to the address: %s', (err, charged) => {
    expect(isChargeableFailure(err)).toBe(charged);
  });

  it('keys never contain the secret they stand for, and never a client id', () => {
    expect(codeKey('oscm_code_secret')).not.toContain('secret');
    expect(codeKey('a')).not.toBe(codeKey('b'));
    expect(grantKey('g1')).toBe('grant:g1');
    expect(addressKey('203.0.113.1')).toBe('addr:203.0.113.1');
    expect(addressKey(undefined)).toBe('addr:unknown');
  });
});
