import { describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../../src/storage/memory-store.js';
import { sampleRecords } from '../../support/store-contract-harness.js';
import { describeTokenStore } from '../../support/token-store-contract.js';

function fakeClock(): { now: () => number; advance(ms: number): void } {
  let t = 1_700_000_000_000;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

describeTokenStore('memory', async () => {
  const clock = fakeClock();
  const store = new MemoryTokenStore({ now: clock.now, sweepIntervalMs: 0 });
  return { store, advance: clock.advance, cleanup: () => store.close() };
});

describe('MemoryTokenStore specifics', () => {
  it('the sweep drops expired records nobody reads, so memory stays bounded', async () => {
    const clock = fakeClock();
    const store = new MemoryTokenStore({ now: clock.now, sweepIntervalMs: 0 });
    for (let i = 0; i < 100; i++) await store.put('access', `a${i}`, sampleRecords('g').access, 10);
    await store.put('access', 'keep', sampleRecords('g').access, 60);
    expect(store.size).toBe(101);
    clock.advance(11_000);
    store.sweep();
    expect(store.size).toBe(1);
    await store.revokeGrant('g');
    expect(store.size).toBe(0);
    await store.close();
  });

  it('runs the sweep on its own timer', async () => {
    let t = 0;
    const store = new MemoryTokenStore({ now: () => t, sweepIntervalMs: 10 });
    await store.put('redeemed', 'x', { grantId: 'g', clientId: 'c', codeChallenge: 'x' }, 1);
    t = 5_000;
    await new Promise((r) => setTimeout(r, 50));
    expect(store.size).toBe(0);
    await store.close();
  });
});
