/** The RecordStore contract (src/storage/store.ts): records by kind and id, TTLs, atomic take. Shared parts: ./store-contract-harness.ts. */
import { describe, expect, it } from 'vitest';
import { KINDS, type Kind } from '../../src/storage/records.js';
import type { RecordStore } from '../../src/storage/store.js';
import { type MakeStore, sampleGrant, sampleRecords, uid, useStore } from './store-contract-harness.js';

export function describeRecordStore(name: string, make: MakeStore<RecordStore>): void {
  describe(`REDIS-01 RecordStore contract: ${name}`, () => {
    const c = useStore(make);

    it('puts, gets and deletes a record of every kind, values round-tripping exactly', async () => {
      const recs = sampleRecords();
      for (const kind of KINDS) {
        const id = uid();
        await c.store.put(kind, id, recs[kind], 60);
        expect(await c.store.get(kind, id)).toStrictEqual(recs[kind]);
        // Kinds are separate namespaces.
        const other: Kind = kind === 'client' ? 'pending' : 'client';
        expect(await c.store.get(other, id)).toBeUndefined();
        await c.store.delete(kind, id);
        expect(await c.store.get(kind, id)).toBeUndefined();
      }
    });
    it('returns copies, overwrites on put, and treats missing ids as absent', async () => {
      const id = uid();
      const g = sampleGrant();
      await c.store.put('grant', id, g, 60);
      (await c.store.get('grant', id))!.scopes.push('mutated');
      expect(await c.store.get('grant', id)).toStrictEqual(g);
      await c.store.put('grant', id, { ...g, version: 7 }, 60);
      expect((await c.store.get('grant', id))?.version).toBe(7);
      expect(await c.store.get('grant', uid())).toBeUndefined();
      expect(await c.store.take('code', uid())).toBeUndefined();
      await expect(c.store.delete('code', uid())).resolves.toBeUndefined();
    });
    it('refuses a missing or non-positive TTL', async () => {
      await expect(
        c.store.put('redeemed', uid(), { grantId: 'g', clientId: 'c', codeChallenge: 'x' }, 0),
      ).rejects.toBeInstanceOf(RangeError);
      await expect(
        c.store.put('redeemed', uid(), { grantId: 'g', clientId: 'c', codeChallenge: 'x' }, -5),
      ).rejects.toBeInstanceOf(RangeError);
      await expect(
        c.store.putIfAbsent('redeemed', uid(), { grantId: 'g', clientId: 'c', codeChallenge: 'x' }, Number.NaN),
      ).rejects.toBeInstanceOf(RangeError);
    });
    it('expires records after their TTL, for get, take and putIfAbsent alike', async () => {
      const [short, long, taken, nx] = [uid(), uid(), uid(), uid()];
      await c.store.put('access', short, sampleRecords().access, 1);
      await c.store.put('access', long, sampleRecords().access, 30);
      await c.store.put('code', taken, sampleRecords().code, 1);
      await c.store.putIfAbsent('redeemed', nx, { grantId: 'first', clientId: 'c', codeChallenge: 'x' }, 1);
      expect(await c.store.get('access', short)).toBeDefined();
      await c.elapse(1_100);
      expect(await c.store.get('access', short)).toBeUndefined();
      expect(await c.store.take('code', taken)).toBeUndefined();
      expect(await c.store.get('access', long)).toBeDefined();
      expect(
        await c.store.putIfAbsent('redeemed', nx, { grantId: 'second', clientId: 'c', codeChallenge: 'x' }, 30),
      ).toBe(true);
      expect(await c.store.get('redeemed', nx)).toStrictEqual({ grantId: 'second', clientId: 'c', codeChallenge: 'x' });
    });
    it('putIfAbsent writes once and keeps the first value', async () => {
      const id = uid();
      expect(await c.store.putIfAbsent('redeemed', id, { grantId: 'a', clientId: 'c', codeChallenge: 'x' }, 60)).toBe(
        true,
      );
      expect(await c.store.putIfAbsent('redeemed', id, { grantId: 'b', clientId: 'c', codeChallenge: 'x' }, 60)).toBe(
        false,
      );
      expect(await c.store.get('redeemed', id)).toStrictEqual({ grantId: 'a', clientId: 'c', codeChallenge: 'x' });
    });
    it('take is atomic: of 50 parallel takes exactly one gets the record', async () => {
      const id = uid();
      const code = sampleRecords().code;
      await c.store.put('code', id, code, 60);
      const results = await Promise.all(Array.from({ length: 50 }, () => c.store.take('code', id)));
      const winners = results.filter((r) => r !== undefined);
      expect(winners).toHaveLength(1);
      expect(winners[0]).toStrictEqual(code);
      expect(await c.store.get('code', id)).toBeUndefined();
    });
  });
}
