import { describe, expect, it } from 'vitest';
import { canonicalResource } from '../../../src/oauth/resource.js';

describe('canonical resource (RFC 8707)', () => {
  it('ignores case of scheme and host and one trailing slash; refuses fragments', () => {
    expect(canonicalResource('HTTP://127.0.0.1:8080/mcp/')).toBe('http://127.0.0.1:8080/mcp');
    expect(canonicalResource('http://127.0.0.1:8080/mcp#x')).toBeUndefined();
    expect(canonicalResource('not a url')).toBeUndefined();
  });
});
