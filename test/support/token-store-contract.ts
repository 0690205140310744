/**
 * The TokenStore contract (REDIS-01; docs/architecture.md, "Storage"): one suite, run against
 * every adapter, so the memory store is a faithful stand-in for Redis.
 *
 * `advance(ms)` moves an injected clock; without it the suite waits in real time, so
 * TTL-based cases use short TTLs (1 s record, 200 ms lock) to keep the run fast.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KINDS, type GrantRecord, type Kind, type Records } from '../../src/storage/records.js';
import type { TokenStore } from '../../src/storage/store.js';

export interface StoreHarness {
  store: TokenStore;
  advance?(ms: number): void;
  cleanup(): Promise<void>;
}

const T = 1_700_000_000_000;
const uid = (): string => randomUUID();

/** A grant as the callback writes it: nested rotation state, unicode, a sealed blob. */
export function sampleGrant(id = uid(), version = 1): GrantRecord {
  return {
    id,
    version,
    clientId: 'c-1',
    scopes: ['osc:read', 'osc:write'],
    resource: 'https://mcp.example/mcp',
    tenantId: 'tenant-ø',
    userId: 'user "quoted" 🎬',
    createdAt: T,
    oscSealed: 'v1.0123abcd.AAAA',
    oscExpiresAt: T + 3_600_000,
    oscLifetimeMs: 3_600_000,
    oscClientId: 'osc-c',
    refresh: { current: 'h-cur', previous: 'h-prev', previousUntil: T + 30_000 },
  };
}

/** One record of each kind; those that can name a grant name `grantId`. */
export function sampleRecords(grantId = uid()): Records {
  const base = {
    clientId: 'c-1',
    redirectUri: 'http://127.0.0.1:3000/cb',
    codeChallenge: 'x'.repeat(43),
    scopes: ['osc:read'],
    resource: 'https://mcp.example/mcp',
    createdAt: T,
  };
  return {
    client: {
      clientId: 'c-1',
      redirectUris: ['https://a.example/cb'],
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      tokenEndpointAuthMethod: 'none',
      source: 'dcr',
      createdAt: T,
    },
    pending: { ...base, id: uid(), state: 's', csrfHash: 'h1', browserHash: 'h2' },
    upstream: { ...base, pendingId: uid(), browserHash: 'h2', oscCodeVerifier: 'v'.repeat(43), oscClientId: 'osc-c' },
    grant: sampleGrant(grantId),
    code: { ...base, grantId },
    redeemed: { grantId, clientId: 'c-1', codeChallenge: 'x'.repeat(43) },
    clientAlias: { clientId: 'c-1' },
    assertion: { clientId: 'https://client.example/meta.json' },
    access: {
      grantId,
      clientId: 'c-1',
      scopes: ['osc:read'],
      resource: 'https://mcp.example/mcp',
      expiresAt: T + 3_600_000,
    },
    refresh: { grantId, clientId: 'c-1' },
    oscClient: {
      clientId: 'osc-c',
      clientSecretSealed: 'v1.0123abcd.BBBB',
      redirectUri: 'https://mcp.example/oauth/callback',
      registeredAt: T,
      expiresAt: T + 86_400_000,
    },
    signin: { browserHash: 'h2', oscCodeVerifier: 'v'.repeat(43), oscClientId: 'osc-c', createdAt: T },
    session: { tenantId: 'tenant-ø', userId: 'u-1', csrfHash: 'h3', createdAt: T },
    suspended: { clientId: 'https://app.example/client.json', suspendedAt: T },
    clientUse: { at: T },
  };
}

/** Registers the contract suite for one adapter. */
export function describeTokenStore(name: string, make: () => Promise<StoreHarness>): void {
  describe(`TokenStore contract: ${name}`, () => {
    let h: StoreHarness;
    let store: TokenStore;
    const elapse = async (ms: number): Promise<unknown> =>
      h.advance ? h.advance(ms) : new Promise((r) => setTimeout(r, ms));

    beforeEach(async () => {
      h = await make();
      store = h.store;
    });
    afterEach(() => h.cleanup());

    it('puts, gets and deletes a record of every kind, values round-tripping exactly', async () => {
      const recs = sampleRecords();
      for (const kind of KINDS) {
        const id = uid();
        await store.put(kind, id, recs[kind], 60);
        expect(await store.get(kind, id)).toStrictEqual(recs[kind]);
        // Kinds are separate namespaces.
        const other: Kind = kind === 'client' ? 'pending' : 'client';
        expect(await store.get(other, id)).toBeUndefined();
        await store.delete(kind, id);
        expect(await store.get(kind, id)).toBeUndefined();
      }
    });

    it('returns copies, overwrites on put, and treats missing ids as absent', async () => {
      const id = uid();
      const g = sampleGrant();
      await store.put('grant', id, g, 60);
      (await store.get('grant', id))!.scopes.push('mutated');
      expect(await store.get('grant', id)).toStrictEqual(g);
      await store.put('grant', id, { ...g, version: 7 }, 60);
      expect((await store.get('grant', id))?.version).toBe(7);
      expect(await store.get('grant', uid())).toBeUndefined();
      expect(await store.take('code', uid())).toBeUndefined();
      await expect(store.delete('code', uid())).resolves.toBeUndefined();
    });

    it('refuses a missing or non-positive TTL', async () => {
      await expect(
        store.put('redeemed', uid(), { grantId: 'g', clientId: 'c', codeChallenge: 'x' }, 0),
      ).rejects.toBeInstanceOf(RangeError);
      await expect(
        store.put('redeemed', uid(), { grantId: 'g', clientId: 'c', codeChallenge: 'x' }, -5),
      ).rejects.toBeInstanceOf(RangeError);
      await expect(
        store.putIfAbsent('redeemed', uid(), { grantId: 'g', clientId: 'c', codeChallenge: 'x' }, Number.NaN),
      ).rejects.toBeInstanceOf(RangeError);
    });

    it('expires records after their TTL, for get, take and putIfAbsent alike', async () => {
      const [short, long, taken, nx] = [uid(), uid(), uid(), uid()];
      await store.put('access', short, sampleRecords().access, 1);
      await store.put('access', long, sampleRecords().access, 30);
      await store.put('code', taken, sampleRecords().code, 1);
      await store.putIfAbsent('redeemed', nx, { grantId: 'first', clientId: 'c', codeChallenge: 'x' }, 1);
      expect(await store.get('access', short)).toBeDefined();
      await elapse(1_100);
      expect(await store.get('access', short)).toBeUndefined();
      expect(await store.take('code', taken)).toBeUndefined();
      expect(await store.get('access', long)).toBeDefined();
      expect(
        await store.putIfAbsent('redeemed', nx, { grantId: 'second', clientId: 'c', codeChallenge: 'x' }, 30),
      ).toBe(true);
      expect(await store.get('redeemed', nx)).toStrictEqual({ grantId: 'second', clientId: 'c', codeChallenge: 'x' });
    });

    it("lists a user's linked grants that still exist, per user, until the link expires", async () => {
      const [u1, u2] = [`tenant:${uid()}`, `tenant:${uid()}`];
      const [g1, g2, g3] = [uid(), uid(), uid()];
      for (const g of [g1, g2, g3]) await store.put('grant', g, sampleGrant(g), 60);
      await store.linkUserGrant(u1, g1, 60);
      await store.linkUserGrant(u1, g2, 1);
      await store.linkUserGrant(u2, g3, 60);
      expect((await store.userGrants(u1)).sort()).toEqual([g1, g2].sort());
      expect(await store.userGrants(u2)).toEqual([g3]);
      expect(await store.userGrants(`tenant:${uid()}`)).toEqual([]);
      await store.revokeGrant(g1);
      expect(await store.userGrants(u1)).toEqual([g2]);
      await store.linkUserGrant(u2, g3, 1); // a shorter link never shortens an existing one
      await elapse(1_100);
      expect(await store.userGrants(u1)).toEqual([]);
      expect(await store.userGrants(u2)).toEqual([g3]);
    });

    it('putIfAbsent writes once and keeps the first value', async () => {
      const id = uid();
      expect(await store.putIfAbsent('redeemed', id, { grantId: 'a', clientId: 'c', codeChallenge: 'x' }, 60)).toBe(
        true,
      );
      expect(await store.putIfAbsent('redeemed', id, { grantId: 'b', clientId: 'c', codeChallenge: 'x' }, 60)).toBe(
        false,
      );
      expect(await store.get('redeemed', id)).toStrictEqual({ grantId: 'a', clientId: 'c', codeChallenge: 'x' });
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('take is atomic: of 50 parallel takes exactly one gets the record', async () => {
      const id = uid();
      const code = sampleRecords().code;
      await store.put('code', id, code, 60);
      const results = await Promise.all(Array.from({ length: 50 }, () => store.take('code', id)));
      const winners = results.filter((r) => r !== undefined);
      expect(winners).toHaveLength(1);
      expect(winners[0]).toStrictEqual(code);
      expect(await store.get('code', id)).toBeUndefined();
    });

    it('casGrant writes only over the expected version', async () => {
      const g = sampleGrant(uid(), 3);
      await store.put('grant', g.id, g, 60);
      expect(await store.casGrant({ ...g, version: 5, tenantId: 'wrong' }, 4, 60)).toBe(false);
      expect(await store.get('grant', g.id)).toStrictEqual(g);
      expect(await store.casGrant({ ...g, version: 4, oscSealed: 'v1.new' }, 3, 60)).toBe(true);
      expect(await store.get('grant', g.id)).toStrictEqual({ ...g, version: 4, oscSealed: 'v1.new' });
      await expect(store.casGrant({ ...g, version: 9 }, 4, 60)).rejects.toBeInstanceOf(RangeError);
    });

    it('casGrant refuses a missing grant and writes nothing', async () => {
      const g = sampleGrant(uid(), 2);
      expect(await store.casGrant(g, 1, 60)).toBe(false);
      expect(await store.get('grant', g.id)).toBeUndefined();
    });

    it('of 20 parallel casGrant calls with the same expected version exactly one wins', async () => {
      const g = sampleGrant(uid(), 1);
      await store.put('grant', g.id, g, 60);
      const tries = Array.from({ length: 20 }, (_, i) => store.casGrant({ ...g, version: 2, userId: `w${i}` }, 1, 60));
      const won = (await Promise.all(tries)).map((ok, i) => (ok ? i : -1)).filter((i) => i >= 0);
      expect(won).toHaveLength(1);
      expect(await store.get('grant', g.id)).toStrictEqual({ ...g, version: 2, userId: `w${won[0]}` });
    });

    it('revokeGrant removes the grant and every record naming it, and nothing else', async () => {
      const [g1, g2] = [uid(), uid()];
      const kinds = ['access', 'refresh', 'code', 'redeemed', 'upstream'] as const;
      const ids = Object.fromEntries(kinds.map((k) => [k, [uid(), uid()]])) as Record<(typeof kinds)[number], string[]>;
      for (const [i, g] of [g1, g2].entries()) {
        const recs = sampleRecords(g);
        await store.put('grant', g, recs.grant, 60);
        for (const k of kinds) {
          // UpstreamAuthorization has no grantId today; the rule is "any value naming the grant".
          const value = k === 'upstream' ? { ...recs.upstream, grantId: g } : recs[k];
          await store.put(k, ids[k][i]!, value as Records[typeof k], 60);
        }
      }
      const client = uid();
      await store.put('client', client, sampleRecords().client, 60);
      // A record rewritten under another grant no longer belongs to g1.
      const moved = uid();
      await store.put('access', moved, sampleRecords(g1).access, 60);
      await store.put('access', moved, sampleRecords(g2).access, 60);

      await store.revokeGrant(g1);

      expect(await store.get('grant', g1)).toBeUndefined();
      for (const k of kinds) expect(await store.get(k, ids[k][0]!), k).toBeUndefined();
      expect(await store.get('grant', g2)).toBeDefined();
      for (const k of kinds) expect(await store.get(k, ids[k][1]!), k).toBeDefined();
      expect(await store.get('client', client)).toBeDefined();
      expect((await store.get('access', moved))?.grantId).toBe(g2);
      await expect(store.revokeGrant(uid())).resolves.toBeUndefined();
      // The grant id can be reused afterwards; the cascade starts afresh.
      const again = uid();
      await store.put('access', again, sampleRecords(g1).access, 60);
      await store.revokeGrant(g1);
      expect(await store.get('access', again)).toBeUndefined();
    });

    it('locks: one holder, release only by the owner, freed by expiry', async () => {
      const name = `refresh:${uid()}`;
      const owner = await store.acquireLock(name, 60_000);
      expect(typeof owner).toBe('string');
      expect(await store.acquireLock(name, 60_000)).toBeUndefined();
      expect(await store.acquireLock(`refresh:${uid()}`, 60_000)).toBeTypeOf('string');
      await store.releaseLock(name, 'not-the-owner');
      expect(await store.acquireLock(name, 60_000)).toBeUndefined();
      await store.releaseLock(name, owner!);
      const short = await store.acquireLock(name, 200);
      expect(short).toBeTypeOf('string');
      expect(short).not.toBe(owner);
      await elapse(300);
      const next = await store.acquireLock(name, 60_000);
      expect(next).toBeTypeOf('string');
      // The expired holder's late release must not free the new holder's lock.
      await store.releaseLock(name, short!);
      expect(await store.acquireLock(name, 60_000)).toBeUndefined();
    });

    it('scan yields every live record of one kind, in batches, and nothing of another kind or expired', async () => {
      const recs = sampleRecords();
      const ids = Array.from({ length: 1200 }, () => uid());
      // More than one SCAN batch; written 50 at a time so a loaded machine stays under the command timeout.
      for (let i = 0; i < ids.length; i += 50)
        await Promise.all(ids.slice(i, i + 50).map((id) => store.put('access', id, recs.access, 60)));
      await store.put('access', 'https://app.example/client.json', recs.access, 60);
      await store.put('grant', uid(), recs.grant, 60);
      // `clientAlias` starts like `client`: it must not show up in a scan of clients.
      await store.put('clientAlias', uid(), recs.clientAlias, 60);
      await store.put('access', uid(), recs.access, 1);
      await elapse(1_100);
      const seen: Array<[string, unknown]> = [];
      for await (const batch of store.scan('access')) {
        expect(batch.length).toBeGreaterThan(0);
        seen.push(...batch);
      }
      expect(seen.map(([id]) => id).sort()).toEqual([...ids, 'https://app.example/client.json'].sort());
      for (const [, v] of seen) expect(v).toStrictEqual(recs.access);
      const clients: unknown[] = [];
      for await (const batch of store.scan('client')) clients.push(...batch);
      expect(clients).toEqual([]);
    });
  });
}
