import { describe, expect, it } from 'vitest';
import { SubscriptionCache } from '../../../src/osc/subscription-cache.js';
import type { ServiceRecord } from '../../../src/osc/upstream-schemas.js';

const list = (id: string) => [{ serviceId: id }] as unknown as ServiceRecord[];

describe('SubscriptionCache', () => {
  it('serves a list until its TTL, then forgets it', () => {
    let now = 0;
    const c = new SubscriptionCache({ ttlMs: 100, now: () => now });
    c.set('g1', list('a'));
    now = 99;
    expect(c.get('g1')).toEqual(list('a'));
    now = 100;
    expect(c.get('g1')).toBeUndefined();
  });

  it('keeps grants apart, deletes on request, and stays within maxEntries (oldest write first)', () => {
    const c = new SubscriptionCache({ maxEntries: 2 });
    c.set('g1', list('a'));
    c.set('g2', list('b'));
    c.set('g3', list('c'));
    expect(c.get('g1')).toBeUndefined();
    expect(c.get('g2')).toEqual(list('b'));
    c.delete('g2');
    expect(c.get('g2')).toBeUndefined();
    expect(c.get('g3')).toEqual(list('c'));
  });

  it('a TTL of 0 caches nothing', () => {
    const c = new SubscriptionCache({ ttlMs: 0 });
    c.set('g1', list('a'));
    expect(c.get('g1')).toBeUndefined();
  });
});
