#!/usr/bin/env node
// `prestart`: `npm start` runs the compiled server (node dist/main.js). In a checkout with
// the dev dependencies this brings dist/ up to date first (`npm run build`, tsc's build mode:
// when no input is newer than the last build it only compares timestamps, ~0.2 s of CPU where
// an incremental `tsc -p` re-read every file, ~0.9 s); in a production install (npm ci --omit=dev, no compiler) it only
// checks that a build is there, so the error is a sentence instead of a module-not-found.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
let compiler;
try {
  compiler = createRequire(import.meta.url).resolve('typescript/package.json');
} catch {
  compiler = undefined;
}
if (compiler) {
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
if (!existsSync(new URL('../dist/main.js', import.meta.url))) {
  process.stderr.write('dist/main.js is missing: run `npm run build` in a checkout with dev dependencies first\n');
  process.exit(1);
}
