#!/usr/bin/env node
// `prestart`: `npm start` runs the compiled server (node dist/main.js). In a checkout with
// the dev dependencies this brings dist/ up to date first (`npm run build`, tsc's build mode:
// when no input is newer than the last build it only compares timestamps, ~0.2 s of CPU where
// an incremental `tsc -p` re-read every file, ~0.9 s); in a production install (npm ci --omit=dev, no compiler) it only
// checks that a build is there, so the error is a sentence instead of a module-not-found.
// The build script's command, `tsc <args>`, runs as npm would run it (the project's tsc, in
// the root) without a second npm starting (~0.3 s of CPU): npm adds nothing else to it, as
// the build has no pre- or post-script. Any other command goes through `npm run build`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const require = createRequire(import.meta.url);
let compiler;
try {
  // Its `tsc` bin, which npm would start (the package exports no bin path).
  const manifest = require.resolve('typescript/package.json');
  compiler = join(dirname(manifest), JSON.parse(readFileSync(manifest, 'utf8')).bin.tsc);
} catch {
  compiler = undefined;
}
if (compiler) {
  const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const tscArgs = /^tsc((?: [\w./-]+)*)$/.exec(scripts.build ?? '')?.[1];
  const plain = tscArgs !== undefined && !scripts.prebuild && !scripts.postbuild;
  const r = plain
    ? spawnSync(process.execPath, [compiler, ...tscArgs.split(' ').filter(Boolean)], { cwd: root, stdio: 'inherit' })
    : spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
if (!existsSync(new URL('../dist/main.js', import.meta.url))) {
  process.stderr.write('dist/main.js is missing: run `npm run build` in a checkout with dev dependencies first\n');
  process.exit(1);
}
