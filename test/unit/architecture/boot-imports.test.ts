/**
 * What the boot loads (issue 18: cold start and idle RSS): the modules `npm start` reaches
 * through static imports from main.ts and server.ts (which main.ts always loads) must not
 * name a package that only one route or one configuration needs; those load on first use
 * behind a dynamic `import()` (docs/architecture.md, "Layers and import direction").
 * Reads files only.
 */
import { fileURLToPath } from 'node:url';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTree, type SrcPath } from './import-graph.js';

const SRC = fileURLToPath(new URL('../../../src', import.meta.url));

/** Specifiers a module loads when it is evaluated: value imports, side-effect imports, re-exports (not `import type`). */
function staticSpecifiers(text: string): string[] {
  const out: string[] = [];
  for (const re of [
    /^import\s+(?!type\b)[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^import\s*['"]([^'"]+)['"]/gm,
    /^export\s+(?!type\b)[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm,
  ])
    for (const m of text.matchAll(re)) out.push(m[1]!);
  return out;
}

/** Every src file and package the boot reaches from `entries` through static imports. */
function bootGraph(files: Map<SrcPath, string>, entries: SrcPath[]): { modules: Set<SrcPath>; packages: Set<string> } {
  const modules = new Set<SrcPath>();
  const packages = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (modules.has(file)) continue;
    modules.add(file);
    for (const spec of staticSpecifiers(files.get(file) ?? '')) {
      if (spec.startsWith('.'))
        queue.push(
          normalize(join(dirname(file), spec))
            .split('\\')
            .join('/')
            .replace(/\.js$/, '.ts'),
        );
      else if (!spec.startsWith('node:')) packages.add(spec);
    }
  }
  return { modules, packages };
}

describe('what the boot loads', () => {
  const files = readTree(SRC);
  const boot = bootGraph(files, ['main.ts', 'server.ts']);

  it('reaches the HTTP application and every router but the MCP route', () => {
    expect(boot.modules).toContain('app.ts');
    expect(boot.modules).toContain('http/health.ts');
    expect([...boot.modules].filter((m) => m.startsWith('mcp/'))).toEqual([]);
  });

  it('names no package that one route or one configuration alone needs', () => {
    const lazy = [
      '@modelcontextprotocol/server',
      '@modelcontextprotocol/node',
      'jose',
      'ioredis',
      'rate-limiter-flexible',
    ];
    expect([...boot.packages].filter((p) => lazy.includes(p))).toEqual([]);
  });

  it('reads imports the way the module loader does', () => {
    const text = [
      "import type { A } from 'jose';",
      "import { type B, c } from 'express';",
      'import {\n  d,\n  e,\n} from "./d.js";',
      "import './side.js';",
      "export { f } from '../f.js';",
      "export type { G } from './g.js';",
      "const h = await import('ioredis');",
    ].join('\n');
    expect(staticSpecifiers(text)).toEqual(['express', './d.js', './side.js', '../f.js']);
  });
});
