// What an authorization request is offered (src/oauth/scopes.ts; POLICY-05..07).
import { describe, expect, it } from 'vitest';
import { normalizeScopes, offeredScopes, parseScopes } from '../../../src/oauth/scopes.js';

describe('scopes', () => {
  it('parses ours in canonical order and drops unknown ones', () => {
    expect(parseScopes('osc:write openid osc:read')).toEqual(['osc:read', 'osc:write']);
    expect(parseScopes('offline_access')).toEqual([]);
    expect(parseScopes(undefined)).toEqual([]);
    expect(normalizeScopes(['osc:admin', 'osc:write'])).toEqual(['osc:write']);
  });
});

describe('offeredScopes', () => {
  it('POLICY-05: naming none of our scopes → read only, unless the client registered scope', () => {
    for (const asked of [undefined, '', 'offline_access', 'read:data'])
      expect(offeredScopes(asked, undefined)).toEqual({ scopes: ['osc:read'], defaulted: true, withheld: [] });
    expect(offeredScopes(undefined, 'read:data')).toEqual({ scopes: ['osc:read'], defaulted: true, withheld: [] });
    expect(offeredScopes(undefined, 'osc:read osc:write')).toEqual({
      scopes: ['osc:read', 'osc:write'],
      defaulted: true,
      withheld: [],
    });
  });

  it('a client that registered no scope may ask for everything we offer (step-up stays possible)', () => {
    expect(offeredScopes('osc:read osc:write', undefined)).toEqual({
      scopes: ['osc:read', 'osc:write'],
      defaulted: false,
      withheld: [],
    });
  });

  it('POLICY-06: more than the registration is cut down to it, and what was left out is said', () => {
    expect(offeredScopes('osc:read osc:write', 'osc:read')).toEqual({
      scopes: ['osc:read'],
      defaulted: false,
      withheld: ['osc:write'],
    });
  });

  it('POLICY-07: nothing of the registration asked for → a problem (invalid_scope)', () => {
    expect(offeredScopes('osc:write', 'osc:read')).toEqual({
      problem: 'this client is registered for osc:read only, not osc:write',
    });
  });
});
