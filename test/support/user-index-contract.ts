/** The UserIndex contract (src/storage/store.ts): a user's grants for /connections, links with a TTL, revoked grants gone. Shared parts: ./store-contract-harness.ts. */
import { describe, expect, it } from 'vitest';
import type { GrantStore, RecordStore, UserIndex } from '../../src/storage/store.js';
import { type MakeStore, sampleGrant, uid, useStore } from './store-contract-harness.js';

export function describeUserIndex(name: string, make: MakeStore<UserIndex & GrantStore & RecordStore>): void {
  describe(`REDIS-01 UserIndex contract: ${name}`, () => {
    const c = useStore(make);

    it("lists a user's linked grants that still exist, per user, until the link expires", async () => {
      const [u1, u2] = [`tenant:${uid()}`, `tenant:${uid()}`];
      const [g1, g2, g3] = [uid(), uid(), uid()];
      for (const g of [g1, g2, g3]) await c.store.put('grant', g, sampleGrant(g), 60);
      await c.store.linkUserGrant(u1, g1, 60);
      await c.store.linkUserGrant(u1, g2, 1);
      await c.store.linkUserGrant(u2, g3, 60);
      expect((await c.store.userGrants(u1)).sort()).toEqual([g1, g2].sort());
      expect(await c.store.userGrants(u2)).toEqual([g3]);
      expect(await c.store.userGrants(`tenant:${uid()}`)).toEqual([]);
      await c.store.revokeGrant(g1);
      expect(await c.store.userGrants(u1)).toEqual([g2]);
      await c.store.linkUserGrant(u2, g3, 1); // a shorter link never shortens an existing one
      await c.elapse(1_100);
      expect(await c.store.userGrants(u1)).toEqual([]);
      expect(await c.store.userGrants(u2)).toEqual([g3]);
    });
  });
}
