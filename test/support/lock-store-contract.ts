/** The LockStore contract (src/storage/store.ts): one holder, release by the owner only, freed by expiry. Shared parts: ./store-contract-harness.ts. */
import { describe, expect, it } from 'vitest';
import type { LockStore } from '../../src/storage/store.js';
import { type MakeStore, uid, useStore } from './store-contract-harness.js';

export function describeLockStore(name: string, make: MakeStore<LockStore>): void {
  describe(`REDIS-01 LockStore contract: ${name}`, () => {
    const c = useStore(make);

    it('locks: one holder, release only by the owner, freed by expiry', async () => {
      const name = `refresh:${uid()}`;
      const owner = await c.store.acquireLock(name, 60_000);
      expect(typeof owner).toBe('string');
      expect(await c.store.acquireLock(name, 60_000)).toBeUndefined();
      expect(await c.store.acquireLock(`refresh:${uid()}`, 60_000)).toBeTypeOf('string');
      await c.store.releaseLock(name, 'not-the-owner');
      expect(await c.store.acquireLock(name, 60_000)).toBeUndefined();
      await c.store.releaseLock(name, owner!);
      const short = await c.store.acquireLock(name, 200);
      expect(short).toBeTypeOf('string');
      expect(short).not.toBe(owner);
      await c.elapse(300);
      const next = await c.store.acquireLock(name, 60_000);
      expect(next).toBeTypeOf('string');
      // The expired holder's late release must not free the new holder's lock.
      await c.store.releaseLock(name, short!);
      expect(await c.store.acquireLock(name, 60_000)).toBeUndefined();
    });
  });
}
