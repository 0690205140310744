/**
 * Where osc-mcp's RSS after calls goes (issue 18): osc-mcp (Redis store, a real token) and the
 * bare SDK server, started as the bench starts them (MODE=tsx by default, MODE=build for
 * bench/.build), each with bench/memlog.mjs preloaded, which logs process.memoryUsage() every
 * 2 s (after a full GC when MEMLOG_GC=1), while 10 × 1,000 token_balance calls run per side at
 * concurrency 10. `npx tsx bench/rss-probe.ts <dir>` writes <dir>/ours.jsonl and bare.jsonl.
 */
import { startNode, startSide } from './procs.js';
import { run, target, type Shot } from './load.js';
import { TestRedis } from '../test/support/redis-server.js';
import { EmulatorControl } from '../test/support/emulator.js';
import { connect } from '../test/support/oauth-flow.js';

const dir = process.argv[2] ?? '/tmp';
const mode = (process.env.MODE ?? 'tsx') as 'tsx' | 'build';
// EXTRA_FLAGS: Node flags for both sides (e.g. --max-semi-space-size=32), to try V8 heap settings.
const flags = [
  '--expose-gc',
  '--import',
  './bench/memlog.mjs',
  ...(process.env.EXTRA_FLAGS ?? '').split(' ').filter(Boolean),
];
// METHOD=tools/list: calls that reach no upstream, to tell the MCP/auth layers from the OSC calls.
const rpc =
  process.env.METHOD === 'tools/list'
    ? { jsonrpc: '2.0', id: 1, method: 'tools/list' }
    : { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'token_balance', arguments: {} } };
const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const shot = (token?: string): Shot => ({
  headers: token ? { ...headers, authorization: `Bearer ${token}` } : headers,
  body: JSON.stringify(rpc),
  ok: (s) => s === 200,
});

const redisServer = await TestRedis.start();
const emulator = await startNode('emulator', mode, 'src/emulator/main.ts', {}, { ready: '/__emulator/stats' });
const pat = (await new EmulatorControl(emulator.url).mint('alice')).access_token;
const memlog = (file: string) => ({
  MEMLOG_FILE: `${dir}/${file}`,
  ...(process.env.MEMLOG_GC ? { MEMLOG_GC: '1' } : {}),
});
const ours = await startSide.ours(mode, { url: emulator.url, redisUrl: redisServer.url }, memlog('ours.jsonl'), flags);
const bare = await startSide.bare(mode, { url: emulator.url, pat }, memlog('bare.jsonl'), flags);
const { tokens } = await connect(ours.url, { user: 'alice' });
for (let i = 0; i < 10; i++) {
  const a = await run(target(`${ours.url}/mcp`, 10), shot(tokens.access_token), 1000, 10);
  const b = await run(target(`${bare.url}/mcp`, 10), shot(), 1000, 10);
  process.stdout.write(
    `${(i + 1) * 1000} calls: ours rss ${ours.rssBytes() >> 20} MiB (${a.failures} failures), bare ${bare.rssBytes() >> 20} MiB (${b.failures})\n`,
  );
}
await new Promise((r) => setTimeout(r, 2500));
for (const s of [ours, bare, emulator]) await s.stop();
await redisServer.stop();
process.exit(0);
