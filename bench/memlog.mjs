// Preload for bench/rss-probe.ts (`node --import bench/memlog.mjs`): every 2 s appends one JSON
// line of process.memoryUsage() (MiB) and V8's heap spaces to MEMLOG_FILE; with MEMLOG_GC set
// (and --expose-gc) a full GC runs first and `heapUsedAfterGc` is what the heap retains.
import { appendFileSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import v8 from 'node:v8';

const file = process.env.MEMLOG_FILE;
if (file) {
  const t0 = Date.now();
  setInterval(() => {
    const before = process.memoryUsage();
    if (process.env.MEMLOG_GC) globalThis.gc?.();
    const after = process.memoryUsage();
    const spaces = Object.fromEntries(
      v8.getHeapSpaceStatistics().map((s) => [s.space_name, Math.round(s.space_size / 1048576)]),
    );
    const mib = (n) => Math.round(n / 1048576);
    const line = {
      t: Date.now() - t0,
      rss: mib(before.rss),
      heapTotal: mib(before.heapTotal),
      heapUsed: mib(before.heapUsed),
      heapUsedAfterGc: mib(after.heapUsed),
      external: mib(after.external),
      spaces,
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, 2000).unref();
  // Each major GC (mark-compact): what the heap holds right after it, i.e. what was reachable.
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      const m = process.memoryUsage();
      const line = {
        t: Date.now() - t0,
        majorGc: Math.round(e.duration),
        heapUsedAfter: Math.round(m.heapUsed / 1048576),
        rss: Math.round(m.rss / 1048576),
      };
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    }
  }).observe({ entryTypes: ['gc'] });
}
