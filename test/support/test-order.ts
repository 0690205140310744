/**
 * The policy of test/support/sequencer.ts, apart from vitest so a unit test can load it alone:
 * test files project by project, the longest first within each (why: that file's comment).
 */
/** The projects in the order they start (vitest.config.ts `projects`); one not named here, last. */
export const PROJECT_ORDER: readonly string[] = ['e2e', 'integration', 'unit'];

/**
 * `files` project by project in PROJECT_ORDER, the longest first within each; ties keep their
 * order (Array.prototype.sort is stable).
 */
export function projectThenLongest<T>(
  files: readonly T[],
  key: (file: T) => { project: string; seconds: number },
): T[] {
  const rank = (project: string): number => {
    const i = PROJECT_ORDER.indexOf(project);
    return i === -1 ? PROJECT_ORDER.length : i;
  };
  const keys = new Map(
    files.map((file) => {
      const { project, seconds } = key(file);
      return [file, { rank: rank(project), seconds }];
    }),
  );
  return [...files].sort((a, b) => {
    const ka = keys.get(a)!;
    const kb = keys.get(b)!;
    return ka.rank - kb.rank || kb.seconds - ka.seconds;
  });
}
