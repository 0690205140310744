/** The GrantStore contract (src/storage/store.ts): compare-and-set on a grant's version, the revocation cascade. Shared parts: ./store-contract-harness.ts. */
import { describe, expect, it } from 'vitest';
import type { Records } from '../../src/storage/records.js';
import type { GrantStore, RecordStore } from '../../src/storage/store.js';
import { type MakeStore, sampleGrant, sampleRecords, uid, useStore } from './store-contract-harness.js';

export function describeGrantStore(name: string, make: MakeStore<GrantStore & RecordStore>): void {
  describe(`REDIS-01 GrantStore contract: ${name}`, () => {
    const c = useStore(make);

    it('casGrant writes only over the expected version', async () => {
      const g = sampleGrant(uid(), 3);
      await c.store.put('grant', g.id, g, 60);
      expect(await c.store.casGrant({ ...g, version: 5, tenantId: 'wrong' }, 4, 60)).toBe(false);
      expect(await c.store.get('grant', g.id)).toStrictEqual(g);
      expect(await c.store.casGrant({ ...g, version: 4, oscSealed: 'v1.new' }, 3, 60)).toBe(true);
      expect(await c.store.get('grant', g.id)).toStrictEqual({ ...g, version: 4, oscSealed: 'v1.new' });
      await expect(c.store.casGrant({ ...g, version: 9 }, 4, 60)).rejects.toBeInstanceOf(RangeError);
    });
    it('casGrant refuses a missing grant and writes nothing', async () => {
      const g = sampleGrant(uid(), 2);
      expect(await c.store.casGrant(g, 1, 60)).toBe(false);
      expect(await c.store.get('grant', g.id)).toBeUndefined();
    });
    it('of 20 parallel casGrant calls with the same expected version exactly one wins', async () => {
      const g = sampleGrant(uid(), 1);
      await c.store.put('grant', g.id, g, 60);
      const tries = Array.from({ length: 20 }, (_, i) =>
        c.store.casGrant({ ...g, version: 2, userId: `w${i}` }, 1, 60),
      );
      const won = (await Promise.all(tries)).map((ok, i) => (ok ? i : -1)).filter((i) => i >= 0);
      expect(won).toHaveLength(1);
      expect(await c.store.get('grant', g.id)).toStrictEqual({ ...g, version: 2, userId: `w${won[0]}` });
    });
    it("casGrant changing `access` deletes the grant's access records but the new and the replaced one, in the same write", async () => {
      const [g, other] = [uid(), uid()];
      const v1 = { ...sampleGrant(g, 1), access: 'a1' };
      await c.store.put('grant', g, v1, 60);
      const access = (grantId: string) => sampleRecords(grantId).access;
      for (const id of ['a0', 'a1', 'a-retry']) await c.store.put('access', id, access(g), 60);
      // Records of another grant, and a record rewritten under another grant, are never touched.
      await c.store.put('access', 'b0', access(other), 60);
      await c.store.put('access', 'moved', access(g), 60);
      await c.store.put('access', 'moved', access(other), 60);
      // Not an access record: the code of the grant stays.
      await c.store.put('code', 'k0', sampleRecords(g).code, 60);

      // A write that keeps `access` (an OSC token refresh) prunes nothing.
      expect(await c.store.casGrant({ ...v1, version: 2, oscSealed: 'v1.new' }, 1, 60)).toBe(true);
      for (const id of ['a0', 'a1', 'a-retry']) expect(await c.store.get('access', id), id).toBeDefined();

      // The rotation: a2 is the new current (written after), a1 the previous.
      expect(await c.store.casGrant({ ...v1, version: 3, oscSealed: 'v1.new', access: 'a2' }, 2, 60)).toBe(true);
      await c.store.put('access', 'a2', access(g), 60);
      expect(await c.store.get('access', 'a0')).toBeUndefined();
      expect(await c.store.get('access', 'a-retry')).toBeUndefined();
      for (const id of ['a1', 'a2', 'b0', 'moved']) expect(await c.store.get('access', id), id).toBeDefined();
      expect(await c.store.get('code', 'k0')).toBeDefined();

      // The next rotation ends a1; a refused compare-and-set deletes nothing.
      expect(await c.store.casGrant({ ...v1, version: 9, access: 'a3' }, 8, 60)).toBe(false);
      expect(await c.store.get('access', 'a1')).toBeDefined();
      expect(await c.store.casGrant({ ...v1, version: 4, access: 'a3' }, 3, 60)).toBe(true);
      expect(await c.store.get('access', 'a1')).toBeUndefined();
      expect(await c.store.get('access', 'a2')).toBeDefined();
      // Revocation still removes what is left.
      await c.store.revokeGrant(g);
      expect(await c.store.get('access', 'a2')).toBeUndefined();
      expect(await c.store.get('access', 'b0')).toBeDefined();
    });
    it('casGrant over a grant written without `access` prunes nothing', async () => {
      const g = sampleGrant(uid(), 1);
      await c.store.put('grant', g.id, g, 60);
      await c.store.put('access', 'old', sampleRecords(g.id).access, 60);
      expect(await c.store.casGrant({ ...g, version: 2, access: 'new' }, 1, 60)).toBe(true);
      expect(await c.store.get('access', 'old')).toBeDefined();
    });
    it('revokeGrant removes the grant and every record naming it, and nothing else', async () => {
      const [g1, g2] = [uid(), uid()];
      const kinds = ['access', 'refresh', 'code', 'redeemed', 'upstream'] as const;
      const ids = Object.fromEntries(kinds.map((k) => [k, [uid(), uid()]])) as Record<(typeof kinds)[number], string[]>;
      for (const [i, g] of [g1, g2].entries()) {
        const recs = sampleRecords(g);
        await c.store.put('grant', g, recs.grant, 60);
        for (const k of kinds) {
          // UpstreamAuthorization has no grantId today; the rule is "any value naming the grant".
          const value = k === 'upstream' ? { ...recs.upstream, grantId: g } : recs[k];
          await c.store.put(k, ids[k][i]!, value as Records[typeof k], 60);
        }
      }
      const client = uid();
      await c.store.put('client', client, sampleRecords().client, 60);
      // A record rewritten under another grant no longer belongs to g1.
      const moved = uid();
      await c.store.put('access', moved, sampleRecords(g1).access, 60);
      await c.store.put('access', moved, sampleRecords(g2).access, 60);

      await c.store.revokeGrant(g1);

      expect(await c.store.get('grant', g1)).toBeUndefined();
      for (const k of kinds) expect(await c.store.get(k, ids[k][0]!), k).toBeUndefined();
      expect(await c.store.get('grant', g2)).toBeDefined();
      for (const k of kinds) expect(await c.store.get(k, ids[k][1]!), k).toBeDefined();
      expect(await c.store.get('client', client)).toBeDefined();
      expect((await c.store.get('access', moved))?.grantId).toBe(g2);
      await expect(c.store.revokeGrant(uid())).resolves.toBeUndefined();
      // The grant id can be reused afterwards; the cascade starts afresh.
      const again = uid();
      await c.store.put('access', again, sampleRecords(g1).access, 60);
      await c.store.revokeGrant(g1);
      expect(await c.store.get('access', again)).toBeUndefined();
    });
  });
}
