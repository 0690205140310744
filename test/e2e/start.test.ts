// `npm start` with zero configuration (docs/architecture.md, "Interface contract"): it boots without any variable, says what
// it falls back to, serves its discovery documents on PORT, and stops cleanly on SIGTERM.
// Nothing reaches OSC at boot: registration happens on the first authorization. `npm start`
// runs the compiled build (prestart brings dist/ up to date in a checkout).
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT, cleanEnv, freePort } from '../support/sandbox-process.js';

let child: ChildProcess | undefined;
afterAll(() => {
  if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
});

describe('npm start, zero configuration', () => {
  it('boots, warns about the memory store and the ephemeral seal key, serves metadata, stops on SIGTERM', async () => {
    const port = await freePort();
    child = spawn('npm', ['start', '--silent'], {
      cwd: REPO_ROOT,
      env: cleanEnv({ PORT: String(port) }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | string>((resolve) =>
      child!.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
    );
    const started = Date.now();
    // The endpoint line is a plain write; pino's lines may flush a little later, so wait for all.
    // prestart compiles first (tsc): on a loaded machine that alone can take half a minute.
    const expected = [
      `MCP endpoint: http://localhost:${port}/mcp`,
      '"event":"memory_store"',
      '"event":"ephemeral_seal_key"',
    ];
    while (!expected.every((e) => out.includes(e))) {
      if (Date.now() - started > 120_000) throw new Error(`npm start did not print ${expected.join(', ')}:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // It is the compiled server that runs: plain node on dist/, no TypeScript loader.
    const group = execFileSync('ps', ['-o', 'args=', '-g', String(child.pid)], { encoding: 'utf8' });
    expect(group).toMatch(/node dist\/main\.js/);
    expect(group).not.toMatch(/tsx/);

    const meta = (await (await fetch(`http://127.0.0.1:${port}/.well-known/oauth-authorization-server`)).json()) as {
      issuer: string;
    };
    expect(meta.issuer).toBe(`http://localhost:${port}`);
    const prm = (await (await fetch(`http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp`)).json()) as {
      resource: string;
    };
    expect(prm.resource).toBe(`http://localhost:${port}/mcp`);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 180_000);
});
