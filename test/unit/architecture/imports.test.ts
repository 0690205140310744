/**
 * The import direction of docs/architecture.md ("Layers"): no cycle between folders;
 * storage knows nothing of OSC; src/http knows neither storage nor OSC; the emulator and
 * the server never import each other. Reads files only: no process, no Redis.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { edgesOf, layerCycles, readTree, referencesOutsideRoot, ruleViolations } from './import-graph.js';

const SRC = fileURLToPath(new URL('../../../src', import.meta.url));

describe('the import graph of src/', () => {
  const files = readTree(SRC);
  const edges = edgesOf(files);

  it('reads the tree and resolves every relative import to a file', () => {
    expect(files.size).toBeGreaterThan(50);
    const dangling = edges.filter((e) => !files.has(e.to)).map((e) => `${e.from} → ${e.to}`);
    expect(dangling).toEqual([]);
  });

  it('has no cycle between folders', () => {
    expect(layerCycles(edges)).toEqual([]);
  });

  it('keeps every layer rule (storage, http, emulator, bottom modules, composition root)', () => {
    expect(ruleViolations(edges)).toEqual([]);
  });

  it('lets only the composition root pick the OSC platform adapter', () => {
    expect(referencesOutsideRoot(files, 'createSdkPlatform', 'osc/sdk-platform.ts')).toEqual([]);
  });
});

describe('the rules catch what they are for', () => {
  const graph = (entries: Record<string, string>) => edgesOf(new Map(Object.entries(entries)));

  it('reports a cycle between two folders', () => {
    const edges = graph({
      'storage/a.ts': "import { b } from '../osc/b.js';",
      'osc/b.ts': "import type { A } from '../storage/a.js';",
    });
    expect(layerCycles(edges)).toEqual([['osc', 'storage', 'osc']]);
  });

  it('reports storage importing OSC and http importing storage or OSC', () => {
    const edges = graph({
      'storage/a.ts': "import { x } from '../osc/x.js';",
      'http/h.ts': "import type { S } from '../storage/a.js';\nimport { y } from '../osc/y.js';",
      'http/ok.ts': "import { isUnavailable } from '../errors.js';\nimport { z } from './z.js';",
    });
    expect(ruleViolations(edges)).toEqual([
      'storage/a.ts imports osc/x.ts: storage may import only the bottom modules',
      'http/h.ts imports storage/a.ts: http may import only the bottom modules',
      'http/h.ts imports osc/y.ts: http may import only the bottom modules',
    ]);
  });

  it('reports any import between the emulator and the server, both ways', () => {
    const edges = graph({
      'emulator/e.ts': "import { log } from '../log.js';",
      'mcp/m.ts': "const m = await import('../emulator/e.js');",
    });
    expect(ruleViolations(edges)).toEqual([
      'emulator/e.ts imports log.ts: the emulator and the server meet only over HTTP',
      'mcp/m.ts imports emulator/e.ts: the emulator and the server meet only over HTTP',
    ]);
  });

  it('reports a bottom module importing a folder, and anything importing the composition root', () => {
    const edges = graph({
      'errors.ts': "import { x } from './osc/x.js';",
      'oauth/o.ts': "import { createApp } from '../app.js';",
    });
    expect(ruleViolations(edges)).toEqual([
      'errors.ts imports osc/x.ts: a bottom module imports no folder',
      'oauth/o.ts imports app.ts: nothing imports the composition root',
    ]);
  });

  it('reports the adapter named outside the composition root', () => {
    const files = new Map(
      Object.entries({
        'osc/sdk-platform.ts': 'export function createSdkPlatform() {}',
        'app.ts': 'createSdkPlatform()',
        'mcp/route.ts': 'createSdkPlatform()',
      }),
    );
    expect(referencesOutsideRoot(files, 'createSdkPlatform', 'osc/sdk-platform.ts')).toEqual(['mcp/route.ts']);
  });
});
