import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../../src/storage/rate-limits.js';

describe('createRateLimiter (memory)', () => {
  it('allows `points` calls per key and window, then refuses with a Retry-After', async () => {
    const rl = createRateLimiter({ keyPrefix: 'rl:test', points: 3, durationS: 60 });
    for (let i = 0; i < 3; i++) expect(await rl.consume('ip-1')).toEqual({ allowed: true, retryAfterS: 0 });
    const refused = await rl.consume('ip-1');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterS).toBeGreaterThan(0);
    expect(refused.retryAfterS).toBeLessThanOrEqual(60);
    expect((await rl.consume('ip-2')).allowed).toBe(true);
  });

  it('peek tells whether a key has budget left without spending any', async () => {
    const rl = createRateLimiter({ keyPrefix: 'rl:peek', points: 2, durationS: 60 });
    expect(await rl.peek('k')).toEqual({ allowed: true, retryAfterS: 0 });
    await rl.consume('k');
    expect((await rl.peek('k')).allowed).toBe(true);
    expect((await rl.peek('k')).allowed).toBe(true);
    await rl.consume('k');
    const spent = await rl.peek('k');
    expect(spent.allowed).toBe(false);
    expect(spent.retryAfterS).toBeGreaterThan(0);
    expect((await rl.peek('other')).allowed).toBe(true);
  });

  it('spends several points at once', async () => {
    const rl = createRateLimiter({ keyPrefix: 'rl:multi', points: 5, durationS: 60 });
    expect((await rl.consume('k', 4)).allowed).toBe(true);
    expect((await rl.consume('k', 2)).allowed).toBe(false);
  });

  it('opens again after the window', async () => {
    const rl = createRateLimiter({ keyPrefix: 'rl:window', points: 1, durationS: 1 });
    expect((await rl.consume('k')).allowed).toBe(true);
    expect((await rl.consume('k')).allowed).toBe(false);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await rl.consume('k')).allowed).toBe(true);
  });

  it('refuses nonsense options and point counts', async () => {
    expect(() => createRateLimiter({ keyPrefix: 'x', points: 0, durationS: 60 })).toThrow(RangeError);
    expect(() => createRateLimiter({ keyPrefix: 'x', points: 1, durationS: 0.5 })).toThrow(RangeError);
    const rl = createRateLimiter({ keyPrefix: 'x', points: 1, durationS: 60 });
    await expect(rl.consume('k', 0)).rejects.toBeInstanceOf(RangeError);
  });
});
