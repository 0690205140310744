/**
 * vitest globalSetup: give every test a real Redis.
 *
 * Order: `REDIS_URL` when set; otherwise spawn `redis-server` on a free loopback port
 * (no persistence), so tests never share state with anything else on the machine.
 * Under `CI=true` the run fails, never skips, when neither is possible
 * (docs/security.md, "Test-case index").
 */
import type { TestProject } from 'vitest/node';
import { redisAnswers, TestRedis } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let url = process.env.REDIS_URL;
  let own: TestRedis | undefined;
  if (!url) {
    try {
      own = await TestRedis.start();
      url = own.url;
    } catch (err) {
      if (await redisAnswers(6379)) url = 'redis://127.0.0.1:6379';
      else if (process.env.CI === 'true') throw new Error(`no Redis for the tests: ${(err as Error).message}`);
      else throw new Error('no Redis for the tests: set REDIS_URL or install redis-server');
    }
  }
  process.env.TEST_REDIS_URL = url;
  project.provide('redisUrl', url);
  return async () => {
    await own?.stop();
  };
}
