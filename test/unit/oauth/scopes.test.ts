import { describe, expect, it } from 'vitest';
import { parseRequestedScopes, normalizeScopes } from '../../../src/oauth/scopes.js';

describe('scopes', () => {
  it('drops unknown scopes; none left means both', () => {
    expect(parseRequestedScopes('osc:read')).toEqual(['osc:read']);
    expect(parseRequestedScopes('osc:write openid osc:read')).toEqual(['osc:read', 'osc:write']);
    expect(parseRequestedScopes('offline_access')).toEqual(['osc:read', 'osc:write']);
    expect(parseRequestedScopes(undefined)).toEqual(['osc:read', 'osc:write']);
    expect(normalizeScopes(['osc:admin', 'osc:write'])).toEqual(['osc:write']);
  });
});
