// The default log destination (src/log.ts `stdoutByTurn`): the lines of one event-loop turn go
// to standard output in one write at its end, in order, scrubbed; lines still pending when the
// process exits (process.exit right after logging) are written before it ends.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compiledTree } from '../support/compiled.js';

/**
 * Runs `script` in a process of its own, in the tree of the compiled sources
 * (../support/compiled.ts), where `./src/log.js` is src/log.ts.
 */
async function runLogger(script: string): Promise<string[]> {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: await compiledTree(),
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(r.status).toBe(0);
  return r.stdout.trim().split('\n');
}

describe('logging to standard output', () => {
  it('writes every line of a turn, in order, scrubbed, and what is pending at exit', async () => {
    const lines = await runLogger(`
      import { createLogger } from './src/log.js';
      const log = createLogger();
      for (let i = 0; i < 5; i++) log.info({ i, token: 'oscm_at_${'a'.repeat(30)}' }, 'line');
      setImmediate(() => { log.warn({ i: 5 }, 'next turn'); process.exit(0); });
    `);
    expect(lines.map((l) => (JSON.parse(l) as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(lines.join('\n')).not.toContain('oscm_at_');
    expect((JSON.parse(lines[0]!) as { token: string }).token).toBe('[redacted]');
  });
});
