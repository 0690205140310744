// The order the test files start in (test/support/test-order.ts, used by sequencer.ts): vitest reuses a shared worker
// only while the next queued file is of the same project, so the projects must not interleave.
import { describe, expect, it } from 'vitest';
import { PROJECT_ORDER, projectThenLongest } from '../../support/test-order.js';

type File = { name: string; project: string; seconds: number };
const order = (files: File[]) => projectThenLongest(files, (f) => f).map((f) => f.name);

describe('test order: project by project, longest first in each', () => {
  it('starts e2e, then integration, then unit, whatever the durations', () => {
    expect(PROJECT_ORDER).toEqual(['e2e', 'integration', 'unit']);
    const files: File[] = [
      { name: 'u-long', project: 'unit', seconds: 90 },
      { name: 'i-short', project: 'integration', seconds: 1 },
      { name: 'e-short', project: 'e2e', seconds: 2 },
      { name: 'i-long', project: 'integration', seconds: 40 },
      { name: 'e-long', project: 'e2e', seconds: 30 },
      { name: 'u-short', project: 'unit', seconds: 0.1 },
    ];
    expect(order(files)).toEqual(['e-long', 'e-short', 'i-long', 'i-short', 'u-long', 'u-short']);
  });

  it('keeps each project contiguous: a project switch happens once per project', () => {
    const projects = ['unit', 'integration', 'e2e'];
    const files = Array.from({ length: 60 }, (_, i) => ({
      name: `f${i}`,
      project: projects[(i * 7) % 3]!,
      seconds: (i * 37) % 23,
    }));
    const sorted = projectThenLongest(files, (f) => f);
    const switches = sorted.filter((f, i) => i > 0 && f.project !== sorted[i - 1]!.project).length;
    expect(switches).toBe(2);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]!.project === sorted[i - 1]!.project)
        expect(sorted[i]!.seconds).toBeLessThanOrEqual(sorted[i - 1]!.seconds);
    }
  });

  it('puts a project it does not know last, and keeps the input order of equal durations', () => {
    const files: File[] = [
      { name: 'x', project: 'bench', seconds: 100 },
      { name: 'u1', project: 'unit', seconds: 1 },
      { name: 'u2', project: 'unit', seconds: 1 },
      { name: 'i', project: 'integration', seconds: 1 },
    ];
    expect(order(files)).toEqual(['i', 'u1', 'u2', 'x']);
  });
});
