// Which grants a wider re-authorization replaces (src/oauth/grant-replacement.ts).
import { describe, expect, it } from 'vitest';
import { supersedes } from '../../../src/oauth/grant-replacement.js';

const g = (id: string, scopes: string[], over: { clientId?: string; userId?: string; tenantId?: string } = {}) => ({
  id,
  clientId: 'c',
  tenantId: 't',
  userId: 'u',
  scopes,
  ...over,
});

describe('supersedes', () => {
  it.each([
    ['read → read+write, same client and user', g('new', ['osc:read', 'osc:write']), g('old', ['osc:read']), true],
    ['same scopes (another process)', g('new', ['osc:read']), g('old', ['osc:read']), false],
    ['narrower new grant', g('new', ['osc:read']), g('old', ['osc:read', 'osc:write']), false],
    ['disjoint scopes', g('new', ['osc:write']), g('old', ['osc:read']), false],
    ['another client', g('new', ['osc:read', 'osc:write']), g('old', ['osc:read'], { clientId: 'other' }), false],
    ['another user', g('new', ['osc:read', 'osc:write']), g('old', ['osc:read'], { userId: 'v' }), false],
    ['another tenant', g('new', ['osc:read', 'osc:write']), g('old', ['osc:read'], { tenantId: 'x' }), false],
    ['itself', g('same', ['osc:read', 'osc:write']), g('same', ['osc:read']), false],
  ])('%s → %s', (_n, newer, older, expected) => {
    expect(supersedes(newer, older)).toBe(expected);
  });
});
