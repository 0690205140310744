import { defineConfig } from 'vitest/config';
import ProjectThenLongestSequencer from './test/support/sequencer.js';

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

// Three projects, one run (`npm test` runs all; `npx vitest --project unit` runs one):
// - unit: pure logic in this process, against the memory store and the in-memory OSC
//   fake. No Redis, no child process (test/support/unit-guard.ts makes spawning throw).
// - integration: HTTP against the real app, the emulator and a real Redis.
// - e2e: the real SDK client, Chromium, the official conformance suite, the Inspector CLI,
//   `npm start`.
// Only integration and e2e get the Redis globalSetup.
const redis = ['test/support/global-redis.ts'];
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Project by project (e2e, integration, unit), longest files first in each: test/support/sequencer.ts.
    sequence: { sequencer: ProjectThenLongestSequencer },
    // Two cores: keep parallelism modest so timing-sensitive flows stay deterministic (e2e,
    // which mostly waits, has its own below).
    maxWorkers: 3,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          sequence: { groupOrder: 1 },
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/support/unit-guard.ts'],
          // Unit files share no mutable module state (no mocks, stubbed globals or env), so a
          // worker keeps its module cache across files instead of importing the server's
          // modules again for each. Forks, not threads: the REDOS tests time themselves with
          // process.cpuUsage(), which in a thread would count the other threads too.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['test/integration/**/*.test.ts', 'test/emulator/**/*.test.ts'],
          globalSetup: redis,
          // As in unit: a worker keeps its module cache across files (measured on the 17
          // files of test/integration/oauth: 72 s of CPU isolated, 33 s shared). What a file
          // leaves process-wide, the OSC dispatcher, is reset before each (fresh-dispatcher.ts).
          setupFiles: ['test/support/fresh-dispatcher.ts'],
          isolate: false,
        },
      },
      // e2e stays isolated: its CPU is in the processes it starts (npm ci, Chromium, the
      // sandbox, the Inspector); sharing workers measured no gain (131 s of CPU isolated,
      // 134 s shared, the whole project on a loaded machine; again 163 s against 144-150 s
      // for a whole `npm test`).
      // It runs first, as a group of its own (groupOrder 0: vitest starts group 1 once it has
      // ended) with four workers: its files wait on the processes they start, so a third of
      // two cores sat idle with three. Whole `npm test`, 2-core machine: 128 s and 138 s with
      // four (five: 138 s; seven: 155 s; three in a group: 141 s) against 144-151 s for one
      // queue of three; integration and unit keep three (two: 150 s; four: 144 s).
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: redis,
          sequence: { groupOrder: 0 },
          maxWorkers: 4,
        },
      },
    ],
  },
});
