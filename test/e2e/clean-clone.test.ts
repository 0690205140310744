// Issue 17, "Done when": in a clean clone, `npm ci && npm run build && npm start` serves
// /healthz with plain node. The clone is of this repository's HEAD (committed files only, as
// a user gets them); npm reads its cache first (npm_config_prefer_offline).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ramTempDir } from '../support/ram-dir.js';
import { REPO_ROOT, cleanEnv, freePort } from '../support/sandbox-process.js';
import { until } from '../support/wait.js';

const dir = ramTempDir('osc-mcp-clone-');
let server: ChildProcess | undefined;
afterAll(() => {
  if (server?.pid && server.exitCode === null) process.kill(-server.pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}, 300_000);

const npm = (args: string[]) => {
  const r = spawnSync('npm', args, {
    cwd: join(dir, 'repo'),
    env: cleanEnv({ npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' }),
    encoding: 'utf8',
    timeout: 600_000,
  });
  expect(r.status, `npm ${args.join(' ')}:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`).toBe(0);
};

describe('a clean clone', () => {
  it('npm ci && npm run build && npm start serves /healthz with plain node, and stops on SIGTERM', async () => {
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', REPO_ROOT, join(dir, 'repo')]);
    expect(existsSync(join(dir, 'repo/dist'))).toBe(false);
    npm(['ci', '--no-audit', '--no-fund']);
    npm(['run', 'build']);
    expect(existsSync(join(dir, 'repo/dist/main.js'))).toBe(true);

    const port = await freePort();
    server = spawn('npm', ['start', '--silent'], {
      cwd: join(dir, 'repo'),
      env: cleanEnv({ PORT: String(port) }),
      stdio: 'ignore',
      detached: true,
    });
    const exited = new Promise<number | string>((r) => server!.once('exit', (code, signal) => r(code ?? signal ?? -1)));
    const took = await until(
      async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status === 200,
      120_000,
    );
    console.log(`clean clone: npm start → /healthz in ${took} ms (prestart's incremental build included)`);
    const group = execFileSync('ps', ['-o', 'args=', '-g', String(server.pid)], { encoding: 'utf8' });
    expect(group).toMatch(/node dist\/main\.js/);
    expect(group).not.toMatch(/tsx/);
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 900_000);
});
