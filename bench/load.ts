/**
 * The load generator: `concurrency` workers on one keep-alive undici pool per target, each
 * sending the same POST until `calls` are done. Every answer is checked; latencies are kept
 * per call for percentiles.
 */
import { Pool } from 'undici';

export interface Target {
  pool: Pool;
  path: string;
}

export function target(url: string, concurrency: number): Target {
  const u = new URL(url);
  return { pool: new Pool(u.origin, { connections: concurrency, pipelining: 1 }), path: u.pathname };
}

export interface Shot {
  headers: Record<string, string>;
  body: string;
  /** Is this answer the expected one? */
  ok(status: number, text: string): boolean;
}

export interface RunResult {
  calls: number;
  ms: number;
  latencies: number[];
  failures: number;
  firstFailure?: string;
}

export async function run(t: Target, shot: Shot, calls: number, concurrency: number): Promise<RunResult> {
  const latencies = new Array<number>(calls);
  let next = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= calls) return;
        const s = performance.now();
        const res = await t.pool.request({ path: t.path, method: 'POST', headers: shot.headers, body: shot.body });
        const text = await res.body.text();
        latencies[i] = performance.now() - s;
        if (!shot.ok(res.statusCode, text)) {
          failures++;
          firstFailure ??= `${res.statusCode} ${text.slice(0, 300)}`;
        }
      }
    }),
  );
  return { calls, ms: performance.now() - started, latencies, failures, firstFailure };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Totals over interleaved rounds: expected answers per second over the time spent on this side only. */
export function summarize(runs: RunResult[]): {
  calls: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
} {
  const calls = runs.reduce((n, r) => n + r.calls, 0);
  const ms = runs.reduce((n, r) => n + r.ms, 0);
  const all = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const failures = runs.reduce((n, r) => n + r.failures, 0);
  return {
    calls,
    perSecond: round(((calls - failures) / ms) * 1000),
    p50Ms: round(percentile(all, 50), 2),
    p99Ms: round(percentile(all, 99), 2),
    failures,
  };
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
