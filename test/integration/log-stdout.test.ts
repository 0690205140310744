// The default log destination (src/log.ts `stdoutByTurn`): the lines of one event-loop turn go
// to standard output in one write at its end, in order, scrubbed; lines still pending when the
// process exits (process.exit right after logging) are written before it ends.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function runLogger(script: string): string[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(r.status).toBe(0);
  return r.stdout.trim().split('\n');
}

describe('logging to standard output', () => {
  it('writes every line of a turn, in order, scrubbed, and what is pending at exit', () => {
    const lines = runLogger(`
      import { createLogger } from './src/log.ts';
      const log = createLogger();
      for (let i = 0; i < 5; i++) log.info({ i, token: 'oscm_at_${'a'.repeat(30)}' }, 'line');
      setImmediate(() => { log.warn({ i: 5 }, 'next turn'); process.exit(0); });
    `);
    expect(lines.map((l) => (JSON.parse(l) as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(lines.join('\n')).not.toContain('oscm_at_');
    expect((JSON.parse(lines[0]!) as { token: string }).token).toBe('[redacted]');
  });
});
