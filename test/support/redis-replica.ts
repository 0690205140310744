/**
 * Primary + replica pairs of redis-server for failover cases (REDIS-06, REDIS-07).
 * Loopback only, free ports, a temp dir each, no persistence: what survives a `kill -9` of
 * the primary is exactly what replication carried. Kill every node in `afterAll`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedisClient, type Redis } from '../../src/storage/redis-client.js';
import { freePort } from './net.js';
import { redisAnswers } from './redis-server.js';
import { until } from './wait.js';

/** `INFO <section>` as a map of `field → value`. */
export function parseInfo(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out.set(line.slice(0, i), line.slice(i + 1));
  }
  return out;
}

/** How long a node may take to answer its first PING (a loaded 2-core machine included). */
const START_MS = 10_000;

export class RedisNode {
  private child?: ChildProcess;
  readonly dir = mkdtempSync(join(tmpdir(), 'osc-mcp-redis-node-'));

  private constructor(readonly port: number) {}

  /**
   * Starts a node; with `replicaOf` (a primary's port) as its replica. Resolves when it answers
   * PING. A server that exits before it answers (its port taken between freePort and its bind,
   * by anything else on the machine binding port 0) is started again on another port.
   */
  static async start(opts: { replicaOf?: number } = {}): Promise<RedisNode> {
    for (let attempt = 1; ; attempt++) {
      const node = new RedisNode(await freePort());
      const args = [
        '--port',
        String(node.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        node.dir,
        '--save',
        '',
        '--appendonly',
        'no',
      ];
      // A replica's first full sync starts at once instead of after the default 5 s delay.
      args.push('--repl-diskless-sync-delay', '0');
      if (opts.replicaOf !== undefined) args.push('--replicaof', '127.0.0.1', String(opts.replicaOf));
      const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      node.child = child;
      let output = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (output = (output + d).slice(-2000)));
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (output = (output + d).slice(-2000)));
      const started = Date.now();
      while (!(await redisAnswers(node.port))) {
        if (child.exitCode !== null || child.signalCode !== null) break;
        if (Date.now() - started > START_MS)
          throw new Error(`redis-server did not answer within ${START_MS} ms:\n${output}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      if (child.exitCode === null && child.signalCode === null) {
        child.stdout!.resume();
        child.stderr!.resume();
        return node;
      }
      rmSync(node.dir, { recursive: true, force: true });
      if (attempt === 3) throw new Error(`redis-server exited before it answered, three times:\n${output}`);
    }
  }

  /** A primary and one replica of it, in sync. */
  static async pair(): Promise<{ primary: RedisNode; replica: RedisNode }> {
    const primary = await RedisNode.start();
    const replica = await RedisNode.start({ replicaOf: primary.port });
    await replica.inSyncWith(primary);
    return { primary, replica };
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Runs `fn` on a fresh connection to this node, then drops it. */
  async admin<T>(fn: (r: Redis) => Promise<T>): Promise<T> {
    const r = createRedisClient(this.url, { connectionName: 'osc-mcp-test-admin' });
    try {
      await new Promise<void>((resolve, reject) => {
        if (r.status === 'ready') return resolve();
        r.once('ready', () => resolve());
        r.once('end', () => reject(new Error('connection ended')));
        setTimeout(() => reject(new Error('not ready')), 1_000).unref();
      });
      return await fn(r);
    } finally {
      r.disconnect();
    }
  }

  async info(section: string): Promise<Map<string, string>> {
    return parseInfo(await this.admin((r) => r.info(section)));
  }

  /**
   * Resolves when this replica's link to `primary` is up and it acknowledges writes. After a
   * diskless full sync Redis 7.0 streams nothing to a replica until its first ACK, which can
   * take up to a second: until then `WAIT` returns 0 although INFO already says online.
   */
  async inSyncWith(primary: RedisNode, limitMs = 5_000): Promise<void> {
    await until(
      async () => (await this.info('replication')).get('master_link_status') === 'up',
      limitMs,
      'replica in sync',
    );
    await until(
      async () => /state=online/.test((await primary.info('replication')).get('slave0') ?? ''),
      limitMs,
      'primary sees its replica',
    );
    await primary.admin((r) =>
      until(
        async () => {
          await r.set('osc-mcp-test:probe', '1', 'PX', 1_000);
          return (await r.wait(1, 100)) >= 1;
        },
        limitMs,
        'replica acknowledges',
      ),
    );
  }

  /** How many times this node has run `command` (from `INFO commandstats`). */
  async calls(command: string): Promise<number> {
    const stat = (await this.info('commandstats')).get(`cmdstat_${command.toLowerCase()}`);
    return Number(/calls=(\d+)/.exec(stat ?? '')?.[1] ?? 0);
  }

  /** `REPLICAOF NO ONE`: the node becomes a writable primary, keeping its data. */
  async promote(): Promise<void> {
    await this.admin((r) => r.call('REPLICAOF', 'NO', 'ONE'));
    await until(async () => (await this.info('replication')).get('role') === 'master', 2_000, 'promoted');
  }

  /** `kill -9`, as a crash would; then its temp dir goes. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
