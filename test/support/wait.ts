/** Waiting for a condition, the one way every test does it. */
import { readFileSync } from 'node:fs';

/**
 * Polls `check` every 20 ms until it holds: it resolves with anything but `false` (a
 * rejection counts as "not yet"). Resolves with the milliseconds it took; throws after
 * `limitMs`, naming `what` and carrying the last rejection as its cause.
 */
export async function until(check: () => Promise<unknown>, limitMs: number, what = 'condition'): Promise<number> {
  const started = Date.now();
  for (;;) {
    let last: unknown;
    try {
      if ((await check()) !== false) return Date.now() - started;
    } catch (err) {
      last = err;
    }
    if (Date.now() - started > limitMs) throw new Error(`${what}: not within ${limitMs} ms`, { cause: last });
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Milliseconds this process's main thread has spent runnable but waiting for a core, from
 * Linux's /proc/self/schedstat (its second field, run_delay, in ns; Documentation/scheduler/
 * sched-stats.rst in the kernel's tree); 0 where the file cannot be read.
 */
export function cpuWaitMs(): number {
  try {
    return Number(readFileSync('/proc/self/schedstat', 'utf8').split(' ')[1]) / 1e6 || 0;
  } catch {
    return 0;
  }
}

/**
 * `until`, for a deadline on the app's own behaviour when the app runs in this process (the
 * event loop, its timers and sockets are on this main thread): also says how long the thread
 * waited for a core meanwhile (`waitedForCpuMs`), time that belonged to the other test workers
 * on a loaded machine. Time the app itself spends on the CPU is not in it, so an app that is
 * slow of its own still misses the deadline. `limitMs` bounds the wait itself; the caller
 * checks `ms - waitedForCpuMs` against the deadline it means.
 */
export async function untilInProcess(
  check: () => Promise<unknown>,
  limitMs: number,
  what = 'condition',
): Promise<{ ms: number; waitedForCpuMs: number }> {
  const before = cpuWaitMs();
  const ms = await until(check, limitMs, what);
  return { ms, waitedForCpuMs: Math.max(0, cpuWaitMs() - before) };
}
