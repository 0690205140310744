// Redis Cluster (docs/storage.md, "Redis Cluster"; REDIS-10): a local cluster of three
// primaries, each with a replica. The store contract on the cluster adapter, a refresh storm
// across two app replicas booted from REDIS_CLUSTER_NODES (one OSC refresh), and kill -9 of the
// primary holding a grant: once its replica is promoted, tool calls succeed again within a
// bounded time and no grant is lost. Skipped, saying why, only where redis-server is absent.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisCluster, whenReady, type Cluster } from '../../../src/storage/redis-client.js';
import { RedisTokenStore } from '../../../src/storage/redis-store.js';
import type { GrantRecord } from '../../../src/storage/records.js';
import { startTestEmulator, type TestEmulator } from '../../support/emulator.js';
import { bootFromEnv, type EnvApp } from '../../support/env-app.js';
import { connect, mcpPost } from '../../support/oauth-flow.js';
import { clusterUnavailable, TestCluster } from '../../support/redis-cluster.js';
import { TEST_SEAL_KEY } from '../../support/stack.js';
import { describeTokenStore } from '../../support/token-store-contract.js';
import { until } from '../../support/wait.js';

const unavailable = clusterUnavailable();

/** One clock for the apps of this file, so a test can bring the OSC token into its refresh margin. */
let offsetMs = 0;
const now = () => Date.now() + offsetMs;
/** The OSC token (3600 s) is within its 120 s margin; our access token (3600 s) is still valid. */
const INTO_OSC_MARGIN_MS = 3_550_000;

const balance = (mcpUrl: string, at: string, id = 1) =>
  mcpPost(mcpUrl, at, { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'token_balance', arguments: {} } });

describe.skipIf(unavailable !== undefined)(
  `Redis Cluster, three primaries with a replica each${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    let cluster: TestCluster;
    let client: Cluster;
    let emulator: TestEmulator;
    const apps: EnvApp[] = [];

    beforeAll(async () => {
      [cluster, emulator] = await Promise.all([TestCluster.start(), startTestEmulator()]);
      client = createRedisCluster({
        nodes: cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
        tls: false,
      });
      await whenReady(client);
    }, 40_000);
    afterAll(async () => {
      for (const app of apps) await app.close().catch(() => undefined);
      client?.disconnect();
      await emulator?.close();
      await cluster?.stop();
    });

    /** Boots osc-mcp from its environment (REDIS_CLUSTER_NODES), as main.ts does; resolves when /readyz answers. */
    async function bootApp(prefix: string, publicUrl?: string): Promise<EnvApp> {
      const app = await bootFromEnv(
        {
          PORT: '0',
          PUBLIC_URL: publicUrl ?? 'http://127.0.0.1:0',
          OSC_ENVIRONMENT: 'emu',
          OSC_EMULATOR_URL: emulator.url,
          SEAL_KEYS: TEST_SEAL_KEY,
          REDIS_CLUSTER_NODES: cluster.seeds,
          REDIS_KEY_PREFIX: prefix,
        },
        // A CPU-starved machine must not read as an outage: this file is about the cluster, not fail-fast.
        { now, defaults: { redisCommandTimeoutMs: 5_000 } },
      );
      apps.push(app);
      expect(app.config.redisCluster?.nodes).toHaveLength(6);
      return app;
    }

    /** The grant under `prefix`, read through a store of its own on the cluster. */
    async function grantsUnder(prefix: string): Promise<GrantRecord[]> {
      const store = new RedisTokenStore(client, { prefix, closeClient: false });
      const out: GrantRecord[] = [];
      for await (const batch of store.scan('grant')) out.push(...batch.map(([, g]) => g));
      return out;
    }

    describeTokenStore('redis cluster', async () => {
      const store = new RedisTokenStore(client, { prefix: `c${randomUUID()}:`, closeClient: false });
      expect(store.cluster).toBe(true);
      return { store, cleanup: () => store.close() };
    });

    it('keys a grant and its index by one hash tag, and a user by another', async () => {
      const prefix = `k${randomBytes(3).toString('hex')}:`;
      const store = new RedisTokenStore(client, { prefix, closeClient: false });
      const slot = (key: string) => client.cluster('KEYSLOT', key);
      const g = `g-${randomUUID()}`;
      await store.put('access', 'a1', { grantId: g, clientId: 'c', scopes: [], resource: 'r', expiresAt: 1 }, 60);
      await store.linkUserGrant('tenant:user', g, 60);
      expect(await client.exists(`${prefix}grantidx:{g:${g}}`)).toBe(1);
      expect(await slot(`${prefix}grantidx:{g:${g}}`)).toBe(await slot(`${prefix}grant:{g:${g}}`));
      expect(await client.zrange(`${prefix}usergrants:{u:tenant:user}`, '0', '-1')).toEqual([g]);
    });

    it('UPSTREAM-03 on a cluster: 40 concurrent calls needing an OSC refresh across two app replicas → exactly one refresh, 40 successes', async () => {
      const prefix = `s${randomBytes(3).toString('hex')}:`;
      const a = await bootApp(prefix);
      const b = await bootApp(prefix, a.publicUrl);
      const { tokens } = await connect(a.base, { user: 'alice' });
      const [before] = await grantsUnder(prefix);
      const stats0 = await emulator.control.stats();
      offsetMs = INTO_OSC_MARGIN_MS;
      try {
        const urls = [a.mcpUrl, b.mcpUrl];
        const results = await Promise.all(
          Array.from({ length: 40 }, (_, i) => balance(urls[i % 2]!, tokens.access_token, i)),
        );
        const bodies = await Promise.all(results.map((r) => r.text()));
        expect(results.map((r) => r.status)).toEqual(Array(40).fill(200));
        for (const body of bodies) expect(body).not.toContain('"isError":true');
        const stats1 = await emulator.control.stats();
        expect(stats1.refreshes - stats0.refreshes).toBe(1);
        expect(stats1.refreshFailures - stats0.refreshFailures).toBe(0);
        const [after] = await grantsUnder(prefix);
        expect(after!.version).toBe(before!.version + 1);
      } finally {
        offsetMs = 0;
      }
    });

    it('REDIS-10: kill -9 of the primary holding a grant: its replica is promoted, tool calls succeed again within 10 s, no grant lost', async () => {
      const prefix = `f${randomBytes(3).toString('hex')}:`;
      const app = await bootApp(prefix);
      const users = ['alice', 'bob', 'carol'];
      const sessions: Awaited<ReturnType<typeof connect>>[] = [];
      for (const user of users) sessions.push(await connect(app.base, { user }));
      const grants = await grantsUnder(prefix);
      expect(grants).toHaveLength(users.length);
      for (const s of sessions) expect((await balance(app.mcpUrl, s.tokens.access_token)).status).toBe(200);

      // The shard of the first grant: every write so far has reached its replica (what
      // asynchronous replication promises once it caught up; REDIS-06 covers the rest).
      const { primary, replica } = await cluster.shardOf(`${prefix}grant:{g:${grants[0]!.id}}`);
      await cluster.caughtUp(primary, replica);
      await cluster.kill(primary);
      const killedAt = Date.now();
      await until(async () => (await cluster.role(replica)) === 'master', 10_000, 'replica promoted');
      // Until the cluster agrees on the new primary a call may get 503 + Retry-After, never 401 or 500.
      const statuses: number[] = [];
      await until(
        async () => {
          const res = await balance(app.mcpUrl, sessions[0]!.tokens.access_token);
          statuses.push(res.status);
          return res.status === 200;
        },
        10_000,
        'tool calls succeed after the failover',
      );
      const recoveredMs = Date.now() - killedAt;
      expect(statuses.filter((st) => st !== 200 && st !== 503)).toEqual([]);
      expect(recoveredMs).toBeLessThan(10_000);
      for (const s of sessions) {
        const res = await balance(app.mcpUrl, s.tokens.access_token);
        expect(res.status).toBe(200);
        expect(await res.text()).not.toContain('"isError":true');
      }
      // Every grant still there, as it was before the kill (read by id: each routed to its slot's new owner).
      const store = new RedisTokenStore(client, { prefix, closeClient: false });
      for (const g of grants) expect((await store.get('grant', g.id))?.id).toBe(g.id);
      process.stdout.write(
        `failover: calls succeeded again ${recoveredMs} ms after kill -9 (statuses ${statuses.join(',')})\n`,
      );
    }, 30_000);
  },
);
