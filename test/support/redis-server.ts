/**
 * A redis-server of a test's own, for cases that stop, kill or restart Redis
 * (REDIS-02…05, REDIS-09). Loopback only, on a free port, in a temp dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net.js';

/** Whether something on this loopback port answers a Redis PING. */
export function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ port, host: '127.0.0.1' });
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.once('data', (d) => {
      sock.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    sock.once('error', () => resolve(false));
    sock.setTimeout(300, () => {
      sock.destroy();
      resolve(false);
    });
  });
}

export class TestRedis {
  private child?: ChildProcess;
  readonly dir = mkdtempSync(join(tmpdir(), 'osc-mcp-redis-'));

  private constructor(
    readonly port: number,
    private readonly aof: boolean,
  ) {}

  static async start(opts: { aof?: boolean } = {}): Promise<TestRedis> {
    const r = new TestRedis(await freePort(), opts.aof ?? false);
    await r.resume();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** (Re)starts the server on the same port and data dir; resolves when it answers. */
  async resume(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', ''];
    args.push('--appendonly', this.aof ? 'yes' : 'no');
    if (this.aof) args.push('--appendfsync', 'everysec');
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.child = child;
    let failed: Error | undefined;
    child.once('error', (err) => {
      failed = err;
    });
    const started = Date.now();
    while (!(await redisAnswers(this.port))) {
      if (failed) throw new Error(`redis-server did not start: ${failed.message}`);
      if (Date.now() - started > 5000) throw new Error('redis-server did not start');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Stops the server the hard way (`kill -9`), as a crash would. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async stop(): Promise<void> {
    await this.kill();
  }

  /** SIGSTOP: the server keeps its sockets open and answers nothing, as a hung host would. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.child?.kill('SIGCONT');
  }
}
