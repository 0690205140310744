/**
 * setupFile of the `unit` project (vitest.config.ts): a unit test starts no process. Every
 * way to spawn one throws, so a test that needs a process fails here and moves to
 * test/integration. There is no Redis either: the unit project has no Redis globalSetup.
 */
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

const refuse = (name: string) => () => {
  throw new Error(`unit tests start no process (child_process.${name}); this test belongs in test/integration`);
};
const mutable = childProcess as unknown as Record<string, unknown>;
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'])
  mutable[name] = refuse(name);
// Named ESM imports (`import { spawn } from 'node:child_process'`) see the change too.
syncBuiltinESMExports();
