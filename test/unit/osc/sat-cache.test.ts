/** SAT cache (docs/architecture.md, "Token lifecycle"): per (grant, service), renewed before expiry, bounded, one mint at a time. */
import { describe, expect, it } from 'vitest';
import { SatCache } from '../../../src/osc/sat-cache.js';

describe('SatCache', () => {
  it('serves until shortly before expiry (5 min margin, at most half the lifetime)', () => {
    let now = 0;
    const c = new SatCache({ now: () => now });
    c.set('g', 's', { token: 't1', expiresAt: 3_600_000 });
    now = 3_600_000 - 300_001;
    expect(c.get('g', 's')).toBe('t1');
    now += 2;
    expect(c.get('g', 's')).toBeUndefined();
    now = 0;
    c.set('g', 's', { token: 't2', expiresAt: 8_000 });
    now = 3_999;
    expect(c.get('g', 's')).toBe('t2');
    now = 4_000;
    expect(c.get('g', 's')).toBeUndefined();
  });

  it('keys by grant and service', () => {
    const c = new SatCache();
    c.set('g1', 's', { token: 'a', expiresAt: Date.now() + 3_600_000 });
    expect(c.get('g2', 's')).toBeUndefined();
    expect(c.get('g1', 's2')).toBeUndefined();
    c.delete('g1', 's');
    expect(c.get('g1', 's')).toBeUndefined();
  });

  it('is bounded, dropping the least recently used', () => {
    const c = new SatCache({ maxEntries: 2 });
    const exp = Date.now() + 3_600_000;
    c.set('a', 's', { token: 'a', expiresAt: exp });
    c.set('b', 's', { token: 'b', expiresAt: exp });
    c.get('a', 's');
    c.set('c', 's', { token: 'c', expiresAt: exp });
    expect(c.size).toBe(2);
    expect(c.get('b', 's')).toBeUndefined();
    expect(c.get('a', 's')).toBe('a');
  });

  it('concurrent misses share one mint; a failed mint is not cached', async () => {
    const c = new SatCache();
    let mints = 0;
    const mint = async () => {
      mints += 1;
      await new Promise((r) => setTimeout(r, 10));
      return { token: `t${mints}`, expiresAt: Date.now() + 3_600_000 };
    };
    expect(await Promise.all([1, 2, 3].map(() => c.getOrMint('g', 's', mint)))).toEqual(['t1', 't1', 't1']);
    expect(mints).toBe(1);
    await expect(c.getOrMint('g', 'x', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await c.getOrMint('g', 'x', mint)).toBe('t2');
  });
});
