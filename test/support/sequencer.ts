/**
 * Longest files first, whatever their project (vitest.config.ts `sequence.sequencer`).
 *
 * All three projects share one queue of at most `maxWorkers` files at a time. vitest's own
 * order puts the isolated project (e2e) first and sorts by the durations in its cache, which
 * a clean clone (CI) does not have, so it falls back to file size: a 25 s fuzz file of 90
 * lines then starts among the last, and the run ends with one worker busy and the others
 * idle. Here a file's expected seconds come from vitest's cache when this checkout has run it,
 * else from test/durations.json (seconds per file in a full `npm test`, hooks included, written
 * by `node scripts/test-durations.mjs` from vitest's cache), else one second: the order only
 * changes how well the files pack on the cores, never what runs.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const hints: Record<string, number> = JSON.parse(
  readFileSync(new URL('../durations.json', import.meta.url), 'utf8'),
) as Record<string, number>;

export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const expected = (spec: TestSpecification): number => {
      const cached = this.ctx.cache.getTestSpecificationResult(spec);
      if (cached && cached.duration > 0) return cached.duration / 1000;
      return hints[relative(root, spec.moduleId)] ?? 1;
    };
    const seconds = new Map(files.map((spec) => [spec, expected(spec)]));
    return [...files].sort((a, b) => (seconds.get(b) ?? 0) - (seconds.get(a) ?? 0));
  }
}
