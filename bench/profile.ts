/**
 * Where a tool call's CPU goes, side by side (issue 18): osc-mcp (Redis store, a real token)
 * and the bare SDK server, started as `npm run bench` starts them (compiled by default,
 * `--mode tsx` for the loader), each with bench/cpuprof.mjs preloaded; after a warm-up,
 * each side is profiled over exactly `--calls` token_balance calls (default 5,000 at
 * concurrency 10), and each profile is summarised per call (./profile-summary.ts).
 *
 *   npx tsx bench/profile.ts --out DIR [--calls N] [--mode build|tsx] [--invalid]
 *
 * `--invalid`: osc-mcp answering a well-shaped unknown token (401) instead, against the
 * Express no-op. Writes DIR/ours.cpuprofile, DIR/bare.cpuprofile and DIR/summary.txt.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TestRedis } from '../test/support/redis-server.js';
import { EmulatorControl } from '../test/support/emulator.js';
import { connect } from '../test/support/oauth-flow.js';
import { run, target, type Shot } from './load.js';
import { build, ROOT, startNode, startSide, type Mode, type NodeServer } from './procs.js';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: '/tmp/osc-mcp-profile' },
    calls: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '10' },
    mode: { type: 'string', default: 'build' },
    invalid: { type: 'boolean', default: false },
  },
});
const CALLS = Number(args.calls);
const CONCURRENCY = Number(args.concurrency);
const MODE = args.mode as Mode;
const dir = args.out!;
mkdirSync(dir, { recursive: true });
if (MODE === 'build') build();

const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const body = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'token_balance', arguments: {} },
});
const shot = (token: string | undefined, ok: Shot['ok']): Shot => ({
  headers: token ? { ...headers, authorization: `Bearer ${token}` } : headers,
  body,
  ok,
});
const toolOk = (s: number, text: string) => s === 200 && text.includes('"structuredContent"');
const flags = ['--import', './bench/cpuprof.mjs'];

const signal = async (s: NodeServer) => {
  s.child.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 300));
};

const redisServer = await TestRedis.start();
const children: NodeServer[] = [];
try {
  const emulator = await startNode('emulator', MODE, 'src/emulator/main.ts', {}, { ready: '/__emulator/stats' });
  children.push(emulator);
  const pat = (await new EmulatorControl(emulator.url).mint('alice')).access_token;
  const prof = (side: string) => ({ CPUPROF_FILE: join(dir, `${side}.cpuprofile`) });
  const ours = await startSide.ours(MODE, { url: emulator.url, redisUrl: redisServer.url }, prof('ours'), flags);
  children.push(ours);
  const bare = args.invalid
    ? await startNode('express-401', MODE, 'bench/noop-401.ts', prof('bare'), { flags })
    : await startSide.bare(MODE, { url: emulator.url, pat }, prof('bare'), flags);
  children.push(bare);
  const { tokens } = await connect(ours.url, { user: 'alice' });
  const unknown = `oscm_at_${Buffer.alloc(32, 1).toString('base64url')}`;
  const oursShot = args.invalid ? shot(unknown, (s) => s === 401) : shot(tokens.access_token, toolOk);
  const bareShot = args.invalid ? shot(unknown, (s) => s === 401) : shot(undefined, toolOk);
  const tOurs = target(`${ours.url}/mcp`, CONCURRENCY);
  const tBare = target(`${bare.url}/mcp`, CONCURRENCY);
  await run(tOurs, oursShot, 1000, CONCURRENCY);
  await run(tBare, bareShot, 1000, CONCURRENCY);
  const lines: string[] = [];
  for (const [name, s, t, sh] of [
    ['ours', ours, tOurs, oursShot],
    ['bare', bare, tBare, bareShot],
  ] as const) {
    const c0 = s.cpuMs();
    await signal(s);
    const r = await run(t, sh, CALLS, CONCURRENCY);
    await signal(s);
    const cpu = s.cpuMs() - c0;
    lines.push(
      `${name}: ${CALLS} calls, ${r.failures} failures, ${((cpu / CALLS) * 1000).toFixed(0)} µs CPU per call (profiled)`,
    );
  }
  await new Promise((r) => setTimeout(r, 1000));
  await Promise.all([tOurs.pool.close(), tBare.pool.close()]);
  let summary = `${lines.join('\n')}\n`;
  for (const side of ['ours', 'bare']) {
    const file = join(dir, `${side}.cpuprofile`);
    if (!existsSync(file)) throw new Error(`${file} was not written`);
    summary += execFileSync(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'bench/profile-summary.ts'), file, '--per', String(CALLS), '--top', '60'],
      { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 },
    );
  }
  writeFileSync(join(dir, 'summary.txt'), summary);
  process.stdout.write(`${lines.join('\n')}\n${join(dir, 'summary.txt')}\n`);
} finally {
  for (const c of children.reverse()) await c.stop();
  await redisServer.stop();
}
