/**
 * vitest globalSetup: give every test a real Redis.
 *
 * Order: `REDIS_URL` when set; otherwise spawn `redis-server` on a free loopback port
 * (no persistence), so tests never share state with anything else on the machine.
 * Under `CI=true` the run fails, never skips, when neither is possible
 * (security-catalog B.0).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

let child: ChildProcess | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ port, host: '127.0.0.1' });
    sock.once('connect', () => {
      sock.write('PING\r\n');
    });
    sock.once('data', (d) => {
      sock.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    sock.once('error', () => resolve(false));
    sock.setTimeout(500, () => {
      sock.destroy();
      resolve(false);
    });
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let url = process.env.REDIS_URL;
  if (!url) {
    const port = await freePort();
    try {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        stdio: 'ignore',
      });
      await new Promise<void>((resolve, reject) => {
        child!.once('error', reject);
        const started = Date.now();
        const poll = async (): Promise<void> => {
          if (await answers(port)) return resolve();
          if (Date.now() - started > 5000) return reject(new Error('redis-server did not start'));
          setTimeout(poll, 50);
        };
        void poll();
      });
      url = `redis://127.0.0.1:${port}`;
    } catch (err) {
      child = undefined;
      if (await answers(6379)) url = 'redis://127.0.0.1:6379';
      else if (process.env.CI === 'true') throw new Error(`no Redis for the tests: ${(err as Error).message}`);
      else throw new Error('no Redis for the tests: set REDIS_URL or install redis-server');
    }
  }
  process.env.TEST_REDIS_URL = url;
  project.provide('redisUrl', url);
  return async () => {
    child?.kill('SIGTERM');
  };
}
