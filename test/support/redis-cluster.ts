/**
 * A local Redis Cluster for tests (docs/storage.md, "Redis Cluster"): three primaries, each
 * with a replica, six `redis-server --cluster-enabled yes` processes on free loopback ports,
 * each in a temp dir with no persistence, joined by `redis-cli --cluster create
 * --cluster-replicas 1`. `stop()` kills every node and removes the dirs; call it in
 * `afterAll` (a failed start cleans up after itself).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './net.js';
import { parseInfo } from './redis-replica.js';
import { until } from './wait.js';

/** Why a cluster cannot run here, or undefined when `redis-server` and `redis-cli` are installed. */
export function clusterUnavailable(): string | undefined {
  for (const bin of ['redis-server', 'redis-cli']) {
    const r = spawnSync(bin, ['--version'], { stdio: 'ignore' });
    if (r.error || r.status !== 0) return `${bin} is not installed`;
  }
  return undefined;
}

interface Node {
  port: number;
  dir: string;
  child: ChildProcess;
}

export class TestCluster {
  private readonly nodes: Node[] = [];
  /** Open admin connections, by port. */
  private readonly conns = new Map<number, { r: Redis; ready: Promise<void> }>();

  private constructor(readonly nodeTimeoutMs: number) {}

  /**
   * Starts six nodes and creates the cluster; resolves when every node says `cluster_state:ok`.
   * `nodeTimeoutMs` is how long a silent primary takes to be declared failed (and its replica
   * promoted): short here, so a failover fits in a test.
   */
  static async start(opts: { nodeTimeoutMs?: number } = {}): Promise<TestCluster> {
    const c = new TestCluster(opts.nodeTimeoutMs ?? 1_000);
    try {
      for (let i = 0; i < 6; i++) await c.spawnNode();
      await Promise.all(c.nodes.map((n) => until(() => c.admin(n.port, (r) => r.ping()), 5_000, 'node start')));
      const create = spawnSync(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...c.nodes.map((n) => `127.0.0.1:${n.port}`),
          '--cluster-replicas',
          '1',
          '--cluster-yes',
        ],
        { encoding: 'utf8', timeout: 20_000 },
      );
      if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
      await until(async () => (await c.states()).every((s) => s === 'ok'), 15_000, 'cluster_state:ok');
      // Every replica attached and synced, so a failover has someone to promote.
      await until(async () => (await c.replicaPorts()).length === 3, 15_000, 'three replicas online');
    } catch (err) {
      await c.stop();
      throw err;
    }
    return c;
  }

  /** Seeds for REDIS_CLUSTER_NODES: every node, as an operator would list them. */
  get seeds(): string {
    return this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  }

  get ports(): number[] {
    return this.nodes.map((n) => n.port);
  }

  private async spawnNode(): Promise<void> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'osc-mcp-cluster-'));
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(dir, 'nodes.conf'),
      '--cluster-node-timeout',
      String(this.nodeTimeoutMs),
      '--save',
      '',
      '--appendonly',
      'no',
      // A replica's first full sync starts at once instead of after the default 5 s delay.
      '--repl-diskless-sync-delay',
      '0',
    ];
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    child.on('error', () => undefined);
    this.nodes.push({ port, dir, child });
  }

  /**
   * Runs `fn` on a plain (non-cluster) connection to one node. The connection is kept for the
   * next call (the waits below ask every 20 ms, a few hundred times a run); one that failed is
   * dropped, and the next call connects again.
   */
  async admin<T>(port: number, fn: (r: Redis) => Promise<T>): Promise<T> {
    let c = this.conns.get(port);
    if (!c) {
      const r = new Redis({
        port,
        host: '127.0.0.1',
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        connectTimeout: 1_000,
        commandTimeout: 2_000,
      });
      r.on('error', () => undefined);
      c = { r, ready: r.connect() };
      this.conns.set(port, c);
    }
    try {
      await c.ready;
      return await fn(c.r);
    } catch (err) {
      if (this.conns.get(port) === c) this.drop(port);
      throw err;
    }
  }

  private drop(port: number): void {
    this.conns.get(port)?.r.disconnect();
    this.conns.delete(port);
  }

  private states(): Promise<string[]> {
    return Promise.all(
      this.live().map(
        async (n) => parseInfo(await this.admin(n.port, (r) => r.cluster('INFO'))).get('cluster_state') ?? '',
      ),
    );
  }

  private live(): Node[] {
    return this.nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null);
  }

  /** Whether the live nodes all see the cluster as ok. */
  async ok(): Promise<boolean> {
    return (await this.states()).every((s) => s === 'ok');
  }

  /** `role` from INFO replication of a live node. */
  async role(port: number): Promise<string> {
    return (await this.admin(port, async (r) => parseInfo(await r.info('replication')))).get('role') ?? '';
  }

  /** Ports of live replicas whose link to their primary is up. */
  async replicaPorts(): Promise<number[]> {
    const out: number[] = [];
    for (const n of this.live()) {
      const info = await this.admin(n.port, async (r) => parseInfo(await r.info('replication')));
      if (info.get('role') === 'slave' && info.get('master_link_status') === 'up') out.push(n.port);
    }
    return out;
  }

  /** The port of the primary serving `key`'s slot, and the port of its replica. */
  async shardOf(key: string): Promise<{ primary: number; replica: number }> {
    const seed = this.live()[0]!.port;
    const slot = await this.admin(seed, (r) => r.cluster('KEYSLOT', key));
    const shards = await this.admin(seed, (r) => r.cluster('SLOTS'));
    const shard = shards.find(([from, to]) => slot >= from && slot <= to);
    if (!shard) throw new Error(`no shard serves slot ${slot}`);
    const [, , primary, replica] = shard;
    if (!primary || !replica) throw new Error(`slot ${slot} has no replica`);
    return { primary: Number(primary[1]), replica: Number(replica[1]) };
  }

  /** Resolves when `replica` has everything `primary` has written (replication offsets equal). */
  async caughtUp(primary: number, replica: number, limitMs = 5_000): Promise<void> {
    await until(
      async () => {
        const p = await this.admin(primary, async (r) => parseInfo(await r.info('replication')));
        const q = await this.admin(replica, async (r) => parseInfo(await r.info('replication')));
        return p.get('master_repl_offset') === q.get('slave_repl_offset');
      },
      limitMs,
      'replica caught up',
    );
  }

  /** `kill -9` of one node, as a crash would. */
  async kill(port: number): Promise<void> {
    const n = this.nodes.find((x) => x.port === port);
    if (!n || n.child.exitCode !== null || n.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      n.child.once('exit', () => resolve());
      n.child.kill('SIGKILL');
    });
    this.drop(port);
  }

  /** Kills every node and removes their dirs. Safe to call twice. */
  async stop(): Promise<void> {
    for (const port of [...this.conns.keys()]) this.drop(port);
    await Promise.all(this.nodes.map((n) => this.kill(n.port)));
    for (const n of this.nodes) rmSync(n.dir, { recursive: true, force: true });
  }
}
