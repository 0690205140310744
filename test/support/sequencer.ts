/**
 * The order vitest starts the test files in (vitest.config.ts `sequence.sequencer`): project by
 * project, e2e first, then integration, then unit; within each, the longest files first.
 *
 * Why by project: the three projects share one queue of at most `maxWorkers` files at a time, and
 * vitest (5.1, its pool's `schedule`) keeps a shared worker (`isolate: false`: integration, unit)
 * for the next file only when the file at the head of the queue is of the same project; otherwise
 * it ends that worker and forks a new one, which imports vitest and the server's modules again.
 * Longest-first across projects interleaved them: a full `npm test` forked 54 workers, 23 once
 * grouped, and used 243-253 s of CPU instead of 303-312 s (177 -> 144 s on a 2-core machine).
 * e2e goes first: its files are isolated (a new worker each, whatever the order) and the longest
 * (a clean install, real clients); unit's short files go last and fill the cores to the end.
 * (integration, e2e, unit measured 184 s.) vitest.config.ts also runs e2e as a group of its own
 * (`sequence.groupOrder`), four files at a time, before the other two.
 *
 * Why longest first within a project: so the cores stay busy to the end. A file's expected
 * seconds come from vitest's cache when this checkout has run it, else from test/durations.json
 * (seconds per file in a full `npm test`, hooks included, written by
 * `node scripts/test-durations.mjs` from vitest's cache), else one second. vitest's own order
 * sorts by file size where it has no cache (a clean clone, CI): a 25 s fuzz file of 90 lines
 * then starts among the last. The order only changes how the files pack on the cores, never
 * what runs.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { projectThenLongest } from './test-order.js';

const hints: Record<string, number> = JSON.parse(
  readFileSync(new URL('../durations.json', import.meta.url), 'utf8'),
) as Record<string, number>;

export default class ProjectThenLongestSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const expected = (spec: TestSpecification): number => {
      const cached = this.ctx.cache.getTestSpecificationResult(spec);
      if (cached && cached.duration > 0) return cached.duration / 1000;
      return hints[relative(root, spec.moduleId)] ?? 1;
    };
    return projectThenLongest(files, (spec) => ({ project: spec.project.name, seconds: expected(spec) }));
  }
}
