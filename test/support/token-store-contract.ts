/**
 * The TokenStore contract (REDIS-01; docs/architecture.md, "Storage"): every narrow port's
 * contract (RecordStore, GrantStore, UserIndex, LockStore) plus what only the whole port
 * has (scan, ping), run against every adapter, so the memory store is a faithful stand-in
 * for Redis. Shared parts: ./store-contract-harness.ts.
 */
import { describe, expect, it } from 'vitest';
import type { TokenStore } from '../../src/storage/store.js';
import { describeGrantStore } from './grant-store-contract.js';
import { describeLockStore } from './lock-store-contract.js';
import { describeRecordStore } from './record-store-contract.js';
import { type MakeStore, sampleRecords, uid, useStore } from './store-contract-harness.js';
import { describeUserIndex } from './user-index-contract.js';

/** Registers every store contract for one adapter. */
export function describeTokenStore(name: string, make: MakeStore<TokenStore>): void {
  describeRecordStore(name, make);
  describeGrantStore(name, make);
  describeUserIndex(name, make);
  describeLockStore(name, make);
  describe(`REDIS-01 TokenStore contract: ${name}`, () => {
    const c = useStore(make);

    it('answers ping while the backend is up', async () => {
      await expect(c.store.ping()).resolves.toBeUndefined();
    });

    it('scan yields every live record of one kind, in batches, and nothing of another kind or expired', async () => {
      const recs = sampleRecords();
      const ids = Array.from({ length: 1200 }, () => uid());
      // More than one SCAN batch; written 50 at a time so a loaded machine stays under the command timeout.
      for (let i = 0; i < ids.length; i += 50)
        await Promise.all(ids.slice(i, i + 50).map((id) => c.store.put('access', id, recs.access, 60)));
      await c.store.put('access', 'https://app.example/client.json', recs.access, 60);
      await c.store.put('grant', uid(), recs.grant, 60);
      // `clientAlias` starts like `client`: it must not show up in a scan of clients.
      await c.store.put('clientAlias', uid(), recs.clientAlias, 60);
      await c.store.put('access', uid(), recs.access, 1);
      await c.elapse(1_100);
      const seen: Array<[string, unknown]> = [];
      for await (const batch of c.store.scan('access')) {
        expect(batch.length).toBeGreaterThan(0);
        seen.push(...batch);
      }
      expect(seen.map(([id]) => id).sort()).toEqual([...ids, 'https://app.example/client.json'].sort());
      for (const [, v] of seen) expect(v).toStrictEqual(recs.access);
      const clients: unknown[] = [];
      for await (const batch of c.store.scan('client')) clients.push(...batch);
      expect(clients).toEqual([]);
    });
  });
}
