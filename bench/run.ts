/**
 * `npm run bench -- --out FILE` (DESIGN §6; issue 18): what authorization, unsealing and
 * limits cost per tool call, measured against the framework itself.
 *
 * Both sides run as child processes started the same way (./procs.ts), against one OSC
 * emulator (its own process, zero latency) and, for osc-mcp, a redis-server of the run's
 * own on a free loopback port. Every measured phase alternates the sides round by round
 * (ours first on even rounds, the baseline first on odd ones), so drift of a shared
 * two-core machine falls on both.
 *
 *   (a) tool calls/s, p50/p99, CPU per call: osc-mcp (Redis store, a real token from the
 *       real OAuth flow) vs ./bare-server.ts (SDK v1, same tool, same upstream calls through
 *       @osaas/client-core, no authorization) → ratios.vs_bare_sdk
 *   (b) invalid-token rejections/s vs ./noop-401.ts → ratios.invalid_token
 *   (c) upstream round trips per tool call in steady state (emulator counters)
 *   (d) RSS after 10,000 calls; Redis bytes per grant, fresh and after 24 refreshes
 *   (e) cold start to /healthz
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { TestRedis } from '../test/support/redis-server.js';
import { EmulatorControl } from '../test/support/emulator.js';
import { connect, refresh } from '../test/support/oauth-flow.js';
import { run, round, summarize, target, type RunResult, type Shot, type Target } from './load.js';
import { build, entryOf, nodeFlags, startNode, startSide, type Mode, type NodeServer } from './procs.js';
import { bytesOfGrant, grantIdOfKey, grantKeys, steadyStateOfGrant } from './redis-bytes.js';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string' },
    rounds: { type: 'string', default: '10' },
    calls: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '10' },
    profile: { type: 'string' },
    mode: { type: 'string', default: 'build' },
  },
});
const ROUNDS = Number(args.rounds);
const CALLS = Number(args.calls);
const CONCURRENCY = Number(args.concurrency);
const MODE = args.mode as Mode;
if (MODE !== 'build' && MODE !== 'tsx') throw new Error('--mode is build or tsx');
const PREFIX = 'oscmcp:';

const started = Date.now();
const note = (s: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${s}\n`);

const rpc = (name: string, args: Record<string, unknown> = {}) =>
  JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } });
const mcpHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const toolOk = (status: number, text: string) =>
  status === 200 && text.includes('"structuredContent"') && !text.includes('"isError":true');
const toolShot = (name: string, args: Record<string, unknown>, bearer?: string): Shot => ({
  headers: bearer ? { ...mcpHeaders, authorization: `Bearer ${bearer}` } : mcpHeaders,
  body: rpc(name, args),
  ok: toolOk,
});

/** Alternates the two sides round by round; returns every round of each. */
async function interleaved(
  a: () => Promise<RunResult>,
  b: () => Promise<RunResult>,
  rounds: number,
): Promise<[RunResult[], RunResult[]]> {
  const ra: RunResult[] = [];
  const rb: RunResult[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      ra.push(await a());
      rb.push(await b());
    } else {
      rb.push(await b());
      ra.push(await a());
    }
  }
  return [ra, rb];
}

/**
 * Every answer is checked. A loaded machine can push a Redis command past the store's
 * 500 ms timeout (a 503, by design), so unexpected answers are tolerated and
 * reported (`failures` in the JSON) and not counted as served calls; over 10 % aborts the run.
 */
function mustPass(label: string, runs: RunResult[]): void {
  const calls = runs.reduce((n, r) => n + r.calls, 0);
  const failures = runs.reduce((n, r) => n + r.failures, 0);
  const first = runs.find((r) => r.firstFailure)?.firstFailure;
  if (failures > calls / 10) throw new Error(`${label}: ${failures} of ${calls} unexpected answers, first: ${first}`);
  if (failures > 0) note(`${label}: ${failures} of ${calls} unexpected answers, first: ${first}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  if (MODE === 'build') {
    note('compiling (bench/tsconfig.json)');
    build();
  }
  const children: NodeServer[] = [];
  const redisServer = await TestRedis.start();
  const redis = new Redis(redisServer.url);
  try {
    const emulator = await startNode('emulator', MODE, 'src/emulator/main.ts', {}, { ready: '/__emulator/stats' });
    children.push(emulator);
    const emu = new EmulatorControl(emulator.url);
    const pat = (await emu.mint('alice')).access_token;

    // --profile DIR: a V8 CPU profile of each side's last process, written when it stops.
    const flags = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : [];
    const startOurs = () => startSide.ours(MODE, { url: emulator.url, redisUrl: redisServer.url }, {}, flags);
    const startBare = () => startSide.bare(MODE, { url: emulator.url, pat }, {}, flags);

    // (e) cold start, interleaved, three each; the last pair stays up for the load phases.
    note('cold start');
    const cold: { ours: number[]; bare: number[] } = { ours: [], bare: [] };
    let ours!: NodeServer;
    let bare!: NodeServer;
    for (let i = 0; i < 3; i++) {
      const o = await startOurs();
      cold.ours.push(o.coldStartMs);
      const b = await startBare();
      cold.bare.push(b.coldStartMs);
      if (i < 2) {
        await o.stop();
        await b.stop();
      } else {
        ours = o;
        bare = b;
      }
    }
    children.push(ours, bare);
    const noop = await startNode('express-401', MODE, 'bench/noop-401.ts', {});
    children.push(noop);
    const idleRss = { ours: ours.rssBytes(), bare: bare.rssBytes() };

    // A real token: register, /authorize, our consent, the emulator's sign-in, code exchange.
    note('OAuth flow');
    const { tokens } = await connect(ours.url, { user: 'alice' });

    const tOurs = target(`${ours.url}/mcp`, CONCURRENCY);
    const tBare = target(`${bare.url}/mcp`, CONCURRENCY);
    const tNoop = target(`${noop.url}/mcp`, CONCURRENCY);
    const oursShot = toolShot('token_balance', {}, tokens.access_token);
    const bareShot = toolShot('token_balance', {});

    note('warm-up');
    // Not judged: it only warms the JIT, the pools and the caches.
    await run(tOurs, oursShot, 500, CONCURRENCY);
    await run(tBare, bareShot, 500, CONCURRENCY);

    // (a) tool calls, with CPU time per call measured around each side's rounds.
    note(`tool calls: ${ROUNDS} rounds × ${CALLS} per side at concurrency ${CONCURRENCY}`);
    const cpu = { ours: 0, bare: 0 };
    // RSS right after each of the side's rounds (its calls just served).
    const rssRounds: { ours: number[]; bare: number[] } = { ours: [], bare: [] };
    const timed = (s: NodeServer, t: Target, shot: Shot, key: 'ours' | 'bare') => async () => {
      const c0 = s.cpuMs();
      const r = await run(t, shot, CALLS, CONCURRENCY);
      cpu[key] += s.cpuMs() - c0;
      rssRounds[key].push(s.rssBytes());
      return r;
    };
    const [ra, rb] = await interleaved(
      timed(ours, tOurs, oursShot, 'ours'),
      timed(bare, tBare, bareShot, 'bare'),
      ROUNDS,
    );
    mustPass('tool calls osc-mcp', ra);
    mustPass('tool calls bare', rb);
    const toolOurs = { ...summarize(ra), cpuMsPerCall: round(cpu.ours / (ROUNDS * CALLS), 3) };
    const toolBare = { ...summarize(rb), cpuMsPerCall: round(cpu.bare / (ROUNDS * CALLS), 3) };
    const rssAfter = { ours: ours.rssBytes(), bare: bare.rssBytes(), calls: 500 + ROUNDS * CALLS };
    const secondHalf = (xs: number[]) => median(xs.slice(Math.floor(xs.length / 2)));
    const rssSteady = { ours: secondHalf(rssRounds.ours), bare: secondHalf(rssRounds.bare) };

    // (b) invalid tokens.
    note('invalid tokens');
    // Shaped like ours (prefix, 43 base64url characters), so the store is asked: the worst case.
    const unknown = `oscm_at_${Buffer.alloc(32, 1).toString('base64url')}`;
    const badShot: Shot = {
      headers: { ...mcpHeaders, authorization: `Bearer ${unknown}` },
      body: rpc('token_balance'),
      ok: (s) => s === 401,
    };
    await run(tOurs, badShot, 300, CONCURRENCY);
    await run(tNoop, badShot, 300, CONCURRENCY);
    const cpuInv = { ours: 0, bare: 0 };
    const timedInv = (s: NodeServer, t: Target, key: 'ours' | 'bare') => async () => {
      const c0 = s.cpuMs();
      const r = await run(t, badShot, CALLS * 2, CONCURRENCY);
      cpuInv[key] += s.cpuMs() - c0;
      return r;
    };
    const [ia, ib] = await interleaved(timedInv(ours, tOurs, 'ours'), timedInv(noop, tNoop, 'bare'), 4);
    mustPass('invalid osc-mcp', ia);
    mustPass('invalid noop', ib);
    const invOurs = { ...summarize(ia), cpuMsPerCall: round(cpuInv.ours / (4 * CALLS * 2), 3) };
    const invNoop = { ...summarize(ib), cpuMsPerCall: round(cpuInv.bare / (4 * CALLS * 2), 3) };

    // (c) upstream round trips per call, steady state (PAT fresh, SAT cached, memo warm).
    note('round trips');
    const tools: Array<[string, Record<string, unknown>]> = [
      ['token_balance', {}],
      ['list_services', {}],
      ['list_instances', { serviceId: 'minio-minio' }],
    ];
    const roundTrips: Record<string, { ours: number; bare: number }> = {};
    for (const [name, a] of tools) {
      const per = async (t: Target, shot: Shot) => {
        mustPass(`${name} warm-up`, [await run(t, shot, 20, 5)]);
        const before = (await emu.stats()).apiCalls;
        mustPass(name, [await run(t, shot, 200, CONCURRENCY)]);
        return round(((await emu.stats()).apiCalls - before) / 200, 2);
      };
      roundTrips[name] = {
        ours: await per(tOurs, toolShot(name, a, tokens.access_token)),
        bare: await per(tBare, toolShot(name, a)),
      };
    }

    // (d) Redis bytes for one fresh grant, then after 24 refresh-token rotations.
    note('Redis bytes per grant');
    const before = new Set((await grantKeys(redis, PREFIX)).filter((k) => grantIdOfKey(k, PREFIX)));
    const fresh = await connect(ours.url, { user: 'bob' });
    const grantKey = (await grantKeys(redis, PREFIX)).find((k) => grantIdOfKey(k, PREFIX) && !before.has(k));
    if (!grantKey) throw new Error('no new grant key in Redis');
    const grantId = grantIdOfKey(grantKey, PREFIX)!;
    const bytesFresh = await bytesOfGrant(redis, PREFIX, grantId);
    let rt = fresh.tokens.refresh_token;
    for (let i = 0; i < 24; i++) {
      const r = await refresh(ours.url, fresh.client, rt);
      if (r.status !== 200) throw new Error(`refresh ${i + 1}: ${r.status} ${JSON.stringify(r.body)}`);
      rt = String(r.body.refresh_token);
    }
    const bytesAfter = await bytesOfGrant(redis, PREFIX, grantId);
    const bytesSteady = await steadyStateOfGrant(redis, PREFIX, grantId);

    await Promise.all([tOurs.pool.close(), tBare.pool.close(), tNoop.pool.close()]);
    const mib = (b: number) => round(b / 1024 / 1024, 1);
    const result = {
      when: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
      settings: {
        rounds: ROUNDS,
        callsPerRound: CALLS,
        concurrency: CONCURRENCY,
        tool: 'token_balance',
        emulatorLatencyMs: 0,
        mode: MODE,
        nodeFlags: nodeFlags(MODE),
      },
      baseline: {
        bare_sdk:
          'bench/bare-server.ts: @modelcontextprotocol/sdk v1 McpServer + StreamableHTTPServerTransport per request (the SDK stateless example), express.json, ' +
          'no authorization, no store, no logging; tools token_balance (GET money /mytenantplan and /mytokencount in parallel via client-core createFetch), ' +
          'list_services (client-core listSubscriptions), list_instances (client-core listInstances with a process-cached SAT); a PAT minted by the emulator; ' +
          'the same global dispatcher as osc-mcp (src/osc/dispatcher.ts) to reach the emulator.',
        express_401: 'bench/noop-401.ts: express 5, POST /mcp → 401 with an empty body.',
        process_model: `each server its own child process: node ${[...nodeFlags(MODE), entryOf(MODE, '<entry>.ts')].join(' ')}, NODE_ENV=production, stdout to /dev/null; one OSC emulator child; redis-server on a free loopback port`,
        osc_mcp:
          'src/main.ts with REDIS_URL, SEAL_KEYS, LOG_LEVEL=info, TOOL_CALLS_PER_MINUTE raised (the limiter still runs per call); token from the real OAuth flow (test/support/oauth-flow.ts connect)',
      },
      tool_calls: { osc_mcp: toolOurs, bare_sdk: toolBare },
      invalid_token: { osc_mcp: invOurs, express_401: invNoop },
      upstream_round_trips_per_call: roundTrips,
      rss: {
        idle_mib: { osc_mcp: mib(idleRss.ours), bare_sdk: mib(idleRss.bare) },
        after_calls_mib: { osc_mcp: mib(rssAfter.ours), bare_sdk: mib(rssAfter.bare), calls: rssAfter.calls },
        after_each_round_mib: { osc_mcp: rssRounds.ours.map(mib), bare_sdk: rssRounds.bare.map(mib) },
        // What ratios.rss compares: the median of the samples after each of the second half's
        // rounds. One instant lands anywhere in V8's cycle of old-space growth and collection
        // (bench/README.md "RSS after calls"), so the instant ratio of the same build swung
        // 0.90-1.31 between runs.
        steady_mib: { osc_mcp: mib(rssSteady.ours), bare_sdk: mib(rssSteady.bare) },
      },
      cold_start_ms: {
        osc_mcp: round(median(cold.ours)),
        bare_sdk: round(median(cold.bare)),
        runs: { osc_mcp: cold.ours.map((x) => round(x)), bare_sdk: cold.bare.map((x) => round(x)) },
      },
      redis_bytes_per_grant: { fresh: bytesFresh, after_24_refreshes: bytesAfter, hourly_steady_state: bytesSteady },
      ratios: {
        vs_bare_sdk: round(toolOurs.perSecond / toolBare.perSecond, 3),
        invalid_token: round(invOurs.perSecond / invNoop.perSecond, 3),
        rss: round(rssSteady.ours / rssSteady.bare, 3),
        rss_at_end: round(rssAfter.ours / rssAfter.bare, 3),
        cold_start: round(median(cold.ours) / median(cold.bare), 3),
        cpu_per_call: round(toolOurs.cpuMsPerCall / toolBare.cpuMsPerCall, 3),
        cpu_per_401: round(invOurs.cpuMsPerCall / invNoop.cpuMsPerCall, 3),
      },
      duration_s: round((Date.now() - started) / 1000),
    };
    if (args.out) writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
    printTable(result);
  } finally {
    for (const c of children.reverse()) await c.stop();
    redis.disconnect();
    await redisServer.stop();
  }
}

function printTable(r: {
  settings: { rounds: number };
  tool_calls: {
    osc_mcp: ReturnType<typeof summarize> & { cpuMsPerCall: number };
    bare_sdk: ReturnType<typeof summarize> & { cpuMsPerCall: number };
  };
  invalid_token: {
    osc_mcp: ReturnType<typeof summarize> & { cpuMsPerCall: number };
    express_401: ReturnType<typeof summarize> & { cpuMsPerCall: number };
  };
  upstream_round_trips_per_call: Record<string, { ours: number; bare: number }>;
  rss: {
    after_calls_mib: { osc_mcp: number; bare_sdk: number; calls: number };
    steady_mib: { osc_mcp: number; bare_sdk: number };
  };
  cold_start_ms: { osc_mcp: number; bare_sdk: number };
  redis_bytes_per_grant: {
    fresh: { persistent: number };
    after_24_refreshes: { persistent: number };
    hourly_steady_state: { persistent: number };
  };
  ratios: Record<string, number>;
  duration_s: number;
}): void {
  const t = r.tool_calls;
  const rows: Array<[string, string | number, string | number, string | number]> = [
    ['measure', 'osc-mcp', 'baseline', 'ratio'],
    ['token_balance calls/s', t.osc_mcp.perSecond, t.bare_sdk.perSecond, r.ratios.vs_bare_sdk!],
    ['  p50 ms', t.osc_mcp.p50Ms, t.bare_sdk.p50Ms, ''],
    ['  p99 ms', t.osc_mcp.p99Ms, t.bare_sdk.p99Ms, ''],
    ['  CPU ms per call', t.osc_mcp.cpuMsPerCall, t.bare_sdk.cpuMsPerCall, r.ratios.cpu_per_call!],
    [
      'invalid-token 401/s',
      r.invalid_token.osc_mcp.perSecond,
      r.invalid_token.express_401.perSecond,
      r.ratios.invalid_token!,
    ],
    [
      '  CPU ms per 401',
      r.invalid_token.osc_mcp.cpuMsPerCall,
      r.invalid_token.express_401.cpuMsPerCall,
      r.ratios.cpu_per_401!,
    ],
    ...Object.entries(r.upstream_round_trips_per_call).map(
      ([k, v]) => [`round trips/call ${k}`, v.ours, v.bare, ''] as [string, number, number, string],
    ),
    [
      `RSS MiB after calls (median after rounds ${Math.floor(r.settings.rounds / 2) + 1}-${r.settings.rounds})`,
      r.rss.steady_mib.osc_mcp,
      r.rss.steady_mib.bare_sdk,
      r.ratios.rss!,
    ],
    [
      `  at the end (${r.rss.after_calls_mib.calls} calls)`,
      r.rss.after_calls_mib.osc_mcp,
      r.rss.after_calls_mib.bare_sdk,
      r.ratios.rss_at_end!,
    ],
    ['cold start ms (median of 3)', r.cold_start_ms.osc_mcp, r.cold_start_ms.bare_sdk, r.ratios.cold_start!],
    ['Redis bytes/grant fresh', r.redis_bytes_per_grant.fresh.persistent, '', ''],
    ['Redis bytes/grant after 24 refreshes', r.redis_bytes_per_grant.after_24_refreshes.persistent, '', ''],
    [
      '  as an hourly refresh leaves it (one live access token)',
      r.redis_bytes_per_grant.hourly_steady_state.persistent,
      '',
      '',
    ],
  ];
  const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => String(row[i]).length)));
  for (const row of rows)
    process.stdout.write(
      `${row.map((c, i) => (i === 0 ? String(c).padEnd(w[i]!) : String(c).padStart(w[i]!))).join('  ')}\n`,
    );
  process.stdout.write(
    `(${r.duration_s} s; baseline: bare SDK v1 for tool calls, an Express no-op 401 for invalid tokens)\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
