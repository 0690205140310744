/**
 * The layer rules of docs/architecture.md ("Layers"), checked on the import graph of src/.
 * Pure functions over a map of file → source text, so the rules themselves are tested on
 * small made-up graphs as well as on the real tree.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/** A file path relative to src/, with forward slashes, e.g. `oauth/token.ts`. */
export type SrcPath = string;

export interface Edge {
  from: SrcPath;
  to: SrcPath;
}

/** Root modules everything may use: they import no folder. */
export const BOTTOM = new Set(['errors.ts', 'log.ts', 'defaults.ts', 'config.ts']);
/** The composition root: the only modules that pick adapters. */
export const COMPOSITION = new Set(['app.ts', 'server.ts', 'main.ts', 'sandbox.ts']);

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/** Reads every .ts file under `srcDir`. */
export function readTree(srcDir: string): Map<SrcPath, string> {
  const out = new Map<SrcPath, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts')) out.set(relative(srcDir, p).split('\\').join('/'), readFileSync(p, 'utf8'));
    }
  };
  walk(srcDir);
  return out;
}

/** Relative imports of each file, resolved to src paths (`.js` suffixes read as `.ts`). */
export function edgesOf(files: Map<SrcPath, string>): Edge[] {
  const edges: Edge[] = [];
  for (const [from, text] of files) {
    for (const m of text.matchAll(SPECIFIER)) {
      const to = normalize(join(dirname(from), m[1]!))
        .split('\\')
        .join('/')
        .replace(/\.js$/, '.ts');
      edges.push({ from, to });
    }
  }
  return edges;
}

/** The layer a file belongs to: its top folder under src/, or the root file itself. */
export function layerOf(path: SrcPath): string {
  const i = path.indexOf('/');
  return i < 0 ? path : path.slice(0, i);
}

/** Every cycle between layers, each as the list of layers around it. */
export function layerCycles(edges: Edge[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = layerOf(e.from);
    const b = layerOf(e.to);
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 'open');
    stack.push(n);
    for (const next of graph.get(n) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of [...graph.keys()].sort()) if (!state.has(n)) visit(n);
  return cycles;
}

/** What each layer may import besides itself and the bottom modules; absent = anything acyclic. */
const ALLOWED: Record<string, readonly string[]> = {
  storage: [],
  http: [],
};

/** Imports that break a layer rule, as readable lines. */
export function ruleViolations(edges: Edge[]): string[] {
  const out: string[] = [];
  for (const { from, to } of edges) {
    const a = layerOf(from);
    const b = layerOf(to);
    if (a === b) continue;
    const line = `${from} imports ${to}`;
    if ((a === 'emulator') !== (b === 'emulator')) {
      out.push(`${line}: the emulator and the server meet only over HTTP`);
      continue;
    }
    if (BOTTOM.has(a) && !BOTTOM.has(b)) out.push(`${line}: a bottom module imports no folder`);
    if (BOTTOM.has(b)) continue;
    if (COMPOSITION.has(b) && !COMPOSITION.has(a)) out.push(`${line}: nothing imports the composition root`);
    const allowed = ALLOWED[a];
    if (allowed && !allowed.includes(b))
      out.push(`${line}: ${a} may import only ${[...allowed, 'the bottom modules'].join(', ')}`);
  }
  return out;
}

/** Files outside the composition root that name `symbol` (the adapter the root picks). */
export function referencesOutsideRoot(files: Map<SrcPath, string>, symbol: string, definedIn: SrcPath): SrcPath[] {
  const re = new RegExp(`\\b${symbol}\\b`);
  return [...files].filter(([p, text]) => p !== definedIn && !COMPOSITION.has(p) && re.test(text)).map(([p]) => p);
}
