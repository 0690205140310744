import { defineConfig } from 'vitest/config';

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
