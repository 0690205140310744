// The Bearer challenge header (OAUTH-03, OAUTH-32): RFC 6750 §3, RFC 9728 §5.1.
import { describe, expect, it } from 'vitest';
import { bearerChallenge } from '../../../src/oauth/challenge.js';

const RM = 'https://mcp.example/.well-known/oauth-protected-resource/mcp';

describe('bearerChallenge (RFC 6750 §3, RFC 9728 §5.1)', () => {
  it('without an error: only the scope hint and resource_metadata', () => {
    expect(bearerChallenge({ resourceMetadataUrl: RM, scope: 'osc:read osc:write' })).toBe(
      `Bearer scope="osc:read osc:write", resource_metadata="${RM}"`,
    );
  });

  it('with invalid_token: the error first, resource_metadata always present', () => {
    const v = bearerChallenge({ resourceMetadataUrl: RM, error: 'invalid_token', description: 'expired' });
    expect(v).toBe(`Bearer error="invalid_token", error_description="expired", resource_metadata="${RM}"`);
  });

  it('cannot be broken out of: quotes and backslashes in values are dropped', () => {
    const v = bearerChallenge({
      resourceMetadataUrl: RM,
      error: 'invalid_token',
      description: 'a" , error="insufficient_scope\\',
    });
    expect(v.match(/error="/g)).toHaveLength(1);
    expect(v).not.toContain('\\');
    // Every value is one quoted string: count of quotes is even and each pair encloses no quote.
    expect((v.match(/"/g) ?? []).length % 2).toBe(0);
  });
});
