/**
 * The repository's TypeScript compiled to JavaScript once per content, for the processes tests
 * start (the sandbox and its emulator, a replica, the emulator alone): each then runs on plain
 * node. Under tsx's loader every start resolves and loads each module through a loader thread,
 * ~0.8 s of CPU more per process on this machine (the sandbox's two processes: ~3.5 s through
 * tsx, ~1.7 s compiled). The compiler and options are `npm run build`'s (tsconfig.json, as
 * bench/procs.ts compiles the benchmark's servers), type-checking left to `npm run typecheck`.
 * The commands of the interface contract (docs/architecture.md) keep tests that start them as
 * written: `npm run sandbox` (test/e2e/sandbox.test.ts), `npm run emulator`
 * (test/emulator/main.test.ts), `npm start` (test/e2e/start.test.ts).
 *
 * The output mirrors the repository (src/…, test/support/replica-main.js) under
 * test/.build/compiled/<hash of the inputs>/, so imports between the files, node_modules and
 * the JSON files a module reads beside itself resolve as from the sources. A new hash is
 * compiled once: a worker that needs it while another compiles it waits for that one (a lock
 * directory).
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILD = join(ROOT, 'test/.build/compiled');
/** Test entry points compiled beside src/ (they import from it). */
const ENTRIES = ['test/support/replica-main.ts'];
/** A lock this old belongs to a run that was killed while compiling. */
const STALE_LOCK_MS = 120_000;
/** Trees of earlier sources are removed once this old. */
const KEEP_MS = 24 * 3600_000;

/** Every file under src/, relative to the root, sorted. */
function sourceFiles(): string[] {
  return readdirSync(join(ROOT, 'src'), { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(ROOT, join(d.parentPath, d.name)))
    .sort();
}

/** What the output depends on: the sources, the entries, tsconfig.json and the compiler's version. */
function inputsHash(): string {
  const h = createHash('sha256');
  const compiler = JSON.parse(readFileSync(join(ROOT, 'node_modules/typescript/package.json'), 'utf8')) as {
    version: string;
  };
  h.update(`typescript ${compiler.version}\0`);
  for (const file of [...sourceFiles(), ...ENTRIES, 'tsconfig.json']) {
    h.update(`${file}\0`);
    h.update(readFileSync(join(ROOT, file)));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

async function build(dir: string): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const up = relative(tmp, ROOT);
  writeFileSync(
    join(tmp, 'tsconfig.json'),
    JSON.stringify({
      extends: join(up, 'tsconfig.json'),
      compilerOptions: {
        noEmit: false,
        outDir: '.',
        rootDir: up,
        declaration: false,
        incremental: false,
        noCheck: true,
      },
      include: [join(up, 'src')],
      files: ENTRIES.map((e) => join(up, e)),
    }),
  );
  try {
    await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(tmp, 'tsconfig.json')],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
    );
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`compiling the sources for child processes failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
  // What modules read beside themselves (the emulator's seed catalogs).
  for (const file of sourceFiles()) {
    if (!file.endsWith('.ts')) cpSync(join(ROOT, file), join(tmp, file));
  }
  try {
    renameSync(tmp, dir);
  } catch (err) {
    // Published meanwhile by a worker that took over a lock it judged stale: that tree is the same.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(dir)) throw err;
  }
  for (const old of readdirSync(BUILD)) {
    const path = join(BUILD, old);
    if (path !== dir && Date.now() - statSync(path).mtimeMs > KEEP_MS) rmSync(path, { recursive: true, force: true });
  }
}

/** The folder of the compiled tree for the sources as they are now, compiling it if needed. */
export async function compiledTree(): Promise<string> {
  const dir = join(BUILD, inputsHash());
  const lock = `${dir}.lock`;
  mkdirSync(BUILD, { recursive: true });
  while (!existsSync(dir)) {
    try {
      mkdirSync(lock);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    try {
      if (!existsSync(dir)) await build(dir);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return dir;
}

/** The compiled JavaScript of `source` (a .ts path relative to the repository root, e.g. `src/sandbox.ts`). */
export async function compiledEntry(source: string): Promise<string> {
  if (!source.endsWith('.ts')) throw new Error(`not a TypeScript source: ${source}`);
  const file = join(await compiledTree(), source.replace(/\.ts$/, '.js'));
  if (!existsSync(file)) throw new Error(`${source} is not among the compiled sources (test/support/compiled.ts)`);
  return file;
}
