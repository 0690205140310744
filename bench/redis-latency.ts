/**
 * `npx tsx bench/redis-latency.ts [--seconds N] [--burners N] [--concurrency N]`: how long
 * one store command takes on this machine, idle and under CPU pressure we generate, to size
 * `redisCommandTimeoutMs` (src/defaults.ts; the figures are in docs/storage.md).
 *
 * A redis-server of its own on a free loopback port; one ioredis client made like the app's
 * (src/storage/redis-client.ts, but with a 10 s command timeout so slow commands are measured,
 * not cut); the commands one authorization or tool call sends (GET, SET PX, a Lua script,
 * the limiter's INCR + PEXPIRE). Two phases of `--seconds` each: as the machine is, then
 * with `--burners` busy-loop processes (bounded: each exits after the phase).
 */
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { TestRedis } from '../test/support/redis-server.js';

if (process.argv[2] === '--burn') {
  const until = Date.now() + Number(process.argv[3]);
  let x = 0;
  while (Date.now() < until) x += Math.sqrt(x + 1);
  process.exit(x > 0 ? 0 : 1);
}

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    burners: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '16' },
  },
});
const SECONDS = Number(args.seconds);
const BURNERS = Number(args.burners);
const CONCURRENCY = Number(args.concurrency);

const SCRIPT = "local v = redis.call('GET', KEYS[1]); redis.call('SET', KEYS[1], ARGV[1], 'PX', 60000); return v";

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function phase(redis: Redis, label: string): Promise<Record<string, number | string>> {
  const samples: number[] = [];
  const stopAt = Date.now() + SECONDS * 1000;
  let i = 0;
  const worker = async () => {
    while (Date.now() < stopAt) {
      const k = `lat:${i++ % 1000}`;
      const t0 = process.hrtime.bigint();
      switch (i % 4) {
        case 0:
          await redis.get(k);
          break;
        case 1:
          await redis.set(k, 'x'.repeat(600), 'PX', 60_000);
          break;
        case 2:
          await redis.eval(SCRIPT, 1, k, 'y'.repeat(600));
          break;
        default:
          await redis.multi().incr(`rl:${k}`).pexpire(`rl:${k}`, 60_000).exec();
      }
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  samples.sort((a, b) => a - b);
  const r = (n: number) => Math.round(n * 100) / 100;
  return {
    phase: label,
    commands: samples.length,
    p50_ms: r(pct(samples, 50)),
    p99_ms: r(pct(samples, 99)),
    p99_9_ms: r(pct(samples, 99.9)),
    max_ms: r(samples[samples.length - 1] ?? Number.NaN),
    over_500ms: samples.filter((s) => s > 500).length,
    over_250ms: samples.filter((s) => s > 250).length,
  };
}

const server = await TestRedis.start();
const redis = new Redis(server.url, { enableOfflineQueue: true, commandTimeout: 10_000, lazyConnect: false });
try {
  const out = [await phase(redis, `machine as is (load ${(await import('node:os')).loadavg()[0]?.toFixed(2)})`)];
  const self = fileURLToPath(import.meta.url);
  const burners = Array.from({ length: BURNERS }, () =>
    fork(self, ['--burn', String(SECONDS * 1000 + 500)], { stdio: 'ignore', execArgv: ['--import', 'tsx'] }),
  );
  await new Promise((r) => setTimeout(r, 500));
  out.push(await phase(redis, `+${BURNERS} CPU burners (load ${(await import('node:os')).loadavg()[0]?.toFixed(2)})`));
  await Promise.all(burners.map((b) => new Promise((r) => (b.exitCode !== null ? r(null) : b.once('exit', r)))));
  console.table(out);
  console.log(JSON.stringify(out));
} finally {
  redis.disconnect();
  await server.stop();
}
