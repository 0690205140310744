// The Dockerfile's build and start steps as a script (no container engine on these machines):
// each stage gets a directory standing for its filesystem; COPY copies from the repository
// (the build context) or from an earlier stage, RUN runs the same command with the stage's ENV
// (npm reads its cache first: npm_config_prefer_offline), and the final stage's CMD starts
// with the stage's ENV on a free PORT. Then /healthz, the HEALTHCHECK command itself, and
// SIGTERM. What cannot run here (the base image, USER) is checked by reading.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDockerfile, type Stage } from '../../support/dockerfile.js';
import { REPO_ROOT } from '../../support/sandbox-process.js';
import { freePort } from '../../support/net.js';
import { ramTempDir } from '../../support/ram-dir.js';
import { until } from '../../support/wait.js';

const dockerfile = parseDockerfile(join(REPO_ROOT, 'Dockerfile'));
// The stages' npm installs on tmpfs when there is room (../../support/ram-dir.ts).
const work = ramTempDir('osc-mcp-docker-');
const stageRoot = (name: string) => join(work, name);
const inStage = (stage: string, path: string) => join(stageRoot(stage), resolve('/', path));
let server: ChildProcess | undefined;
let final: Stage;
let port: number;
let out = '';

function runStage(stage: Stage): void {
  const env: Record<string, string> = {};
  let workdir = '/';
  for (const step of stage.steps) {
    if (step.op === 'ENV')
      Object.assign(
        env,
        Object.fromEntries(
          Object.entries(stage.env).filter(([k]) => step.args.includes(`${k}=`) || step.args.startsWith(`${k} `)),
        ),
      );
    if (step.op === 'WORKDIR') {
      workdir = resolve(workdir, step.args);
      mkdirSync(inStage(stage.name, workdir), { recursive: true });
    }
    if (step.op === 'COPY') {
      const parts = step.args.split(/\s+/);
      const dest = resolve(workdir, parts.pop()!);
      for (const src of parts) {
        const from = step.flags.from !== undefined ? inStage(step.flags.from, src) : join(REPO_ROOT, src);
        expect(existsSync(from), `COPY ${src}`).toBe(true);
        const to =
          parts.length > 1 || step.args.endsWith('/')
            ? join(inStage(stage.name, dest), src.split('/').pop()!)
            : inStage(stage.name, dest);
        mkdirSync(dirname(to), { recursive: true });
        cpSync(from, to, { recursive: true });
      }
    }
    if (step.op === 'RUN') {
      const r = spawnSync('sh', ['-c', step.args], {
        cwd: inStage(stage.name, workdir),
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? work,
          npm_config_prefer_offline: 'true',
          npm_config_update_notifier: 'false',
          // As in the rest of `npm test` (scripts/test.mjs): the Go compiler's GC off for a one-shot build.
          ...(process.env.GOGC ? { GOGC: process.env.GOGC } : {}),
          ...env,
        },
        encoding: 'utf8',
        timeout: 540_000,
      });
      expect(r.status, `RUN ${step.args} (stage ${stage.name}):\n${r.stdout}\n${r.stderr}`).toBe(0);
    }
  }
}

beforeAll(() => {
  for (const stage of dockerfile.stages) runStage(stage);
  final = dockerfile.stages.at(-1)!;
}, 600_000);

afterAll(() => {
  if (server?.exitCode === null) server.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}, 300_000);

describe('Dockerfile steps, run as a script', () => {
  it('builds in a stage of its own and ships production dependencies and dist/ only', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(final.image).toMatch(/^node:(22|24)-slim$/);
    const app = inStage(final.name, final.workdir);
    expect(existsSync(join(app, 'dist/main.js'))).toBe(true);
    expect(readdirSync(app).sort()).toEqual(['dist', 'node_modules', 'package-lock.json', 'package.json', 'scripts']);
    for (const dev of ['typescript', 'tsx', 'vitest', 'playwright-core', '@types/node']) {
      expect(existsSync(join(app, 'node_modules', dev)), `${dev} in the runtime stage`).toBe(false);
    }
    expect(existsSync(join(app, 'node_modules/express'))).toBe(true);
    expect(final.user).toBeDefined();
    expect(final.user).not.toMatch(/^(root|0)(:|$)/);
  });

  it('its CMD, with the image ENV and PORT set, serves /healthz with plain node; the HEALTHCHECK passes; SIGTERM ends it with status 0', async () => {
    expect(final.cmd?.[0]).toBe('node');
    port = await freePort();
    const env = { PATH: process.env.PATH ?? '', HOME: work, ...final.env, PORT: String(port) };
    server = spawn(final.cmd![0]!, final.cmd!.slice(1), {
      cwd: inStage(final.name, final.workdir),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    server.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | string>((r) => server!.once('exit', (code, signal) => r(code ?? signal ?? -1)));
    const took = await until(
      async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status === 200,
      30_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${out}`);
    });
    console.log(`image CMD: /healthz answered ${took} ms after spawn`);
    // src/main.ts writes the endpoint line once startServer resolves, after the port listens:
    // /healthz can answer before that line reaches this pipe.
    const endpointLine = `MCP endpoint: http://localhost:${port}/mcp`;
    await until(async () => out.includes(endpointLine), 5_000, 'the endpoint line').catch(() => undefined);
    expect(out).toContain(endpointLine);

    const hc = final.healthcheck!;
    expect(hc.cmd[0]).toBe('node');
    const check = spawnSync(hc.cmd[0]!, hc.cmd.slice(1), { env, encoding: 'utf8', timeout: 10_000 });
    expect(check.status, check.stderr).toBe(0);

    server.kill((final.stopSignal ?? 'SIGTERM') as NodeJS.Signals);
    expect(await exited).toBe(0);
    expect(out).toContain('"event":"shutdown"');
    // The operator command runs in the image too (compiled, production dependencies only).
    const help = spawnSync('npm', ['run', '--silent', 'admin', '--', '--help'], {
      cwd: inStage(final.name, final.workdir),
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('usage: npm run admin -- <verb>');
    const memory = spawnSync('npm', ['run', '--silent', 'admin', '--', 'stats'], {
      cwd: inStage(final.name, final.workdir),
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(memory.status).toBe(2);
    expect(memory.stderr).toContain('npm run admin needs REDIS_URL');
    // The HEALTHCHECK fails once nothing serves: it is not a check that always passes.
    const after = spawnSync(hc.cmd[0]!, hc.cmd.slice(1), { env, encoding: 'utf8', timeout: 10_000 });
    expect(after.status).toBe(1);
  }, 180_000);
});
