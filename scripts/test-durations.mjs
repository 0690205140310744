#!/usr/bin/env node
// Writes test/durations.json from vitest's own results cache (node_modules/.vite/vitest/*/
// results.json, written by every `npm test`): each test file's whole duration in its last run
// (imports and beforeAll/afterAll hooks included, which the JSON report's first-to-last test
// times leave out: an e2e file that starts a server and a browser in beforeAll would look
// short), in seconds, rounded, for files of at least one second that are still in the tree. Run it right after a full
// `npm test`. The test sequencer (test/support/sequencer.ts) starts each project's longest files first on
// a clean clone, which has no cache.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join('node_modules', '.vite', 'vitest');
const caches = readdirSync(root)
  .map((d) => join(root, d, 'results.json'))
  .filter((f) => existsSync(f))
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
if (caches.length === 0) {
  console.error(`no vitest results cache under ${root}: run npm test first`);
  process.exit(2);
}
const { projects } = JSON.parse(readFileSync(caches[0], 'utf8'));
const rows = Object.values(projects)
  .flatMap(({ files }) => Object.entries(files))
  .map(([file, { duration }]) => [file, Math.round(duration / 100) / 10])
  .filter(([file, s]) => s >= 1 && existsSync(file))
  .sort((a, b) => b[1] - a[1]);
writeFileSync('test/durations.json', `${JSON.stringify(Object.fromEntries(rows), null, 2)}\n`);
console.log(`test/durations.json: ${rows.length} files, from ${caches[0]}`);
