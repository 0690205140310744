import { defineConfig } from 'vitest/config';

// vitest 5 targets Node 22 and calls Map.groupBy when it reports failures; Node 20 lacks
// it (engines allows >= 20.19). A faithful polyfill for the reporter's process.
if (typeof (Map as unknown as { groupBy?: unknown }).groupBy !== 'function') {
  Object.defineProperty(Map, 'groupBy', {
    value<T, K>(items: Iterable<T>, key: (item: T, index: number) => K): Map<K, T[]> {
      const out = new Map<K, T[]>();
      let i = 0;
      for (const item of items) {
        const k = key(item, i++);
        const list = out.get(k);
        if (list) list.push(item);
        else out.set(k, [item]);
      }
      return out;
    },
  });
}

// One suite, three folders: unit (pure logic, in-process), integration (HTTP against
// the real app, the emulator and a real Redis), e2e (the SDK client, Chromium, the
// official conformance suite and Inspector CLI). `npm test` runs all of them.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-redis.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: keep parallelism modest so timing-sensitive flows stay deterministic.
    maxWorkers: 3,
  },
});
