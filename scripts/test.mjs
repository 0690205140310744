#!/usr/bin/env node
// `npm test`: type-check, lint (`npm run lint`), run every vitest project with its JSON
// reporter, and print the summary line CI reads (`N passed, N failed`) as the very last
// line. A type-check or lint failure counts as one failure. Exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const extra = process.argv.slice(2);
const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], { stdio: 'inherit' });
const typecheckOk = tsc.status === 0;
if (!typecheckOk) console.error('type-check failed');
const lint = spawnSync('npm', ['run', '--silent', 'lint'], { stdio: 'inherit' });
const lintOk = lint.status === 0;
if (!lintOk) console.error('lint failed (npm run lint)');

const out = join(mkdtempSync(join(tmpdir(), 'osc-mcp-test-')), 'vitest.json');
const vt = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...extra],
  { stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(readFileSync(out, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTests ?? 0);
  // A suite that failed to load has no tests to count; count it as a failure.
  for (const file of report.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed += 1;
  }
} catch {
  failed += 1;
}
if (!typecheckOk) failed += 1;
if (!lintOk) failed += 1;
if (vt.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
