#!/usr/bin/env node
// Cold start to the first 200 from /healthz, for the entry points `npm start` has had:
// `node dist/main.js` (the compiled build) and `tsx src/main.ts` (the TypeScript loader).
// Runs alternate so both see the same machine load; prints each run, the medians and the
// load average. Usage: node scripts/cold-start.mjs [runs=7]   (after `npm run build`)
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const runs = Number(process.argv[2] ?? 7);
const variants = {
  'node dist/main.js': [process.execPath, ['dist/main.js']],
  'tsx src/main.ts': [process.execPath, ['--import', 'tsx', 'src/main.ts']],
};

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function once([cmd, args]) {
  const port = await freePort();
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
  const started = performance.now();
  const child = spawn(cmd, args, { cwd: root, env, stdio: 'ignore' });
  try {
    for (;;) {
      if (performance.now() - started > 60_000) throw new Error(`${args.join(' ')}: no /healthz within 60 s`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
const loadBefore = loadavg()[0];
for (let i = 0; i < runs; i++) {
  for (const [name, v] of Object.entries(variants)) times[name].push(await once(v));
}
for (const [name, xs] of Object.entries(times)) {
  console.log(
    `${name}: median ${median(xs).toFixed(0)} ms over ${runs} runs (${xs.map((x) => x.toFixed(0)).join(', ')})`,
  );
}
console.log(
  `load average (1 min) before ${loadBefore.toFixed(2)}, after ${loadavg()[0].toFixed(2)}; ${process.version}`,
);
