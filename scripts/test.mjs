#!/usr/bin/env node
// `npm test`: type-check, lint (`npm run lint`), run every vitest project with its JSON
// reporter, and print the summary line CI reads (`N passed, N failed`) as the very last
// line. A type-check or lint failure counts as one failure. Exits non-zero on any failure.
// The type-check and lint run beside vitest (they take a few seconds of one core while
// vitest starts up); their output is held and printed after vitest's, before the summary.
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs a command; resolves with its exit status and, when `capture`, its output. */
function run(cmd, args, capture) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let out = '';
    if (capture) {
      child.stdout.on('data', (b) => (out += b));
      child.stderr.on('data', (b) => (out += b));
    }
    child.on('error', (err) => resolve({ status: 1, out: `${out}${err.message}\n` }));
    child.on('close', (status) => resolve({ status, out }));
  });
}

const extra = process.argv.slice(2);
// TypeScript 7's compiler is a Go program, and every compile in this run is one-shot: the
// type-check here, the tree test/support/compiled.ts builds, `npm run build` in the clean-clone
// and Dockerfile tests. With Go's garbage collector off, the type-check measured 4.6 s of CPU
// instead of 6.2 s and a build 3.2 s instead of 4.3 s, for ~60 MB more at peak (~670 MB).
// Children inherit it; a GOGC set by the caller wins.
process.env.GOGC ??= 'off';
// package.json's `typecheck` and `lint` commands, run as the installed binaries themselves, not
// through `npm run` / `npx`: each of those boots npm first (about half a second of CPU apiece
// on this project's 2-core machines).
const bin = (name) => join('node_modules', '.bin', name);
const { scripts } = JSON.parse(readFileSync('package.json', 'utf8'));
const script = (name) => {
  const [cmd, ...args] = scripts[name].split(' ');
  return [bin(cmd), args];
};
// Beside vitest, which keeps every core busy, tsc's checker threads only add CPU: single-threaded
// it measured 5-6 s of CPU instead of 7-8 s on a 2-core machine, in the same wall time.
const [tscBin, tscArgs] = script('typecheck');
const out = join(mkdtempSync(join(tmpdir(), 'osc-mcp-test-')), 'vitest.json');
const [tsc, lint, vt] = await Promise.all([
  run(tscBin, [...tscArgs, '--singleThreaded'], true),
  run(...script('lint'), true),
  run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...extra], false),
]);
const typecheckOk = tsc.status === 0;
const lintOk = lint.status === 0;
if (tsc.out.trim()) process.stdout.write(tsc.out);
if (!typecheckOk) console.error('type-check failed (npm run typecheck)');
if (lint.out.trim()) process.stdout.write(lint.out);
if (!lintOk) console.error('lint failed (npm run lint)');

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
