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
 * Runs `work` and says how long it took of this process's own time: its wall time less the
 * time the main thread waited for a core meanwhile (`cpuWaitMs`), which belonged to the other
 * test workers on a loaded machine. For a deadline on the app's own behaviour when the app runs
 * in this process (its event loop, timers and sockets are on this thread). Time the app spends
 * on the CPU still counts, so an app slow of its own still misses the deadline.
 */
export async function ownTime<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; waitedMs: number }> {
  const started = Date.now();
  const before = cpuWaitMs();
  const value = await work();
  const waitedMs = Math.max(0, cpuWaitMs() - before);
  return { value, ms: Date.now() - started - waitedMs, waitedMs };
}
