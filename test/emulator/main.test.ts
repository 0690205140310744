/**
 * `npm run emulator` as a child process (docs/architecture.md, "Interface contract"): prints its URL line, runs
 * the OAuth flow, answers `GET /mysubscriptions` for `Host: catalog.svc.prod.osaas.io`,
 * exits cleanly on SIGTERM, and refuses a bad variable naming it (never its value). The first
 * case runs the command itself; the others run its entry, src/emulator/main.ts, compiled on plain
 * node (../support/compiled.ts: the same code without tsx's loader at each start).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { compiledEntry } from '../support/compiled.js';
import { oauthFlow } from '../support/emulator.js';
import { until } from '../support/wait.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null && c.pid) {
      try {
        process.kill(-c.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

function launch(
  cmd: string,
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; out: () => string; err: () => string } {
  const child = spawn(cmd, args, {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  return { child, out: () => out, err: () => err };
}

/** The URL the emulator prints, once it has printed it (./support/wait.ts polls for it). */
async function printedUrl(p: { out(): string }): Promise<string> {
  const url = () => URL_LINE.exec(p.out())?.[1];
  await until(async () => url() !== undefined, 20_000, 'the emulator URL line');
  return url()!;
}

const exited = (c: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) resolve({ code: c.exitCode, signal: c.signalCode });
    else c.once('exit', (code, signal) => resolve({ code, signal }));
  });

function get(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const URL_LINE = /^OSC emulator: (http:\/\/127\.0\.0\.1:(\d+))$/m;

describe('npm run emulator', () => {
  it('prints its URL and serves OAuth and the catalog by Host', async () => {
    const p = launch('npm', ['run', '--silent', 'emulator'], { EMULATOR_PORT: '0' });
    const url = await printedUrl(p);
    const tokens = await oauthFlow(url, 'alice');
    const res = await get(`${url}/mysubscriptions`, {
      host: 'catalog.svc.prod.osaas.io',
      'x-pat-jwt': `Bearer ${tokens.access_token}`,
    });
    expect(res.status).toBe(200);
    const services = JSON.parse(res.body) as Array<{ serviceId: string; apiUrl: string }>;
    expect(services.map((s) => s.serviceId)).toContain('minio-minio');
    expect(services.find((s) => s.serviceId === 'minio-minio')!.apiUrl).toBe(
      'https://api-minio-minio.auto.prod.osaas.io/minioinstance',
    );
    const stats = JSON.parse((await get(`${url}/__emulator/stats`, {})).body) as Record<string, number>;
    expect(stats).toMatchObject({ codeExchanges: 1, refreshes: 0, apiCalls: 1 });
    process.kill(-p.child.pid!, 'SIGTERM');
    await exited(p.child);
    await expect(get(`${url}/__emulator/stats`, {})).rejects.toThrow();
  });

  it('exits 0 on SIGTERM and honours the knob variables', async () => {
    const p = launch(process.execPath, [await compiledEntry('src/emulator/main.ts')], {
      EMULATOR_PORT: '0',
      EMULATOR_ACCESS_TOKEN_TTL_S: '8',
      EMULATOR_AUTO_CONSENT: 'carol',
    });
    const url = await printedUrl(p);
    const tokens = await oauthFlow(url, 'ignored-because-auto-consent');
    expect(tokens.expires_in).toBe(8);
    expect(JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString())).toMatchObject({
      userId: 'carol',
    });
    p.child.kill('SIGTERM');
    expect(await exited(p.child)).toEqual({ code: 0, signal: null });
  });

  it.each([
    [{ EMULATOR_PORT: 'eighty' }, 'EMULATOR_PORT'],
    [{ EMULATOR_ACCESS_TOKEN_TTL_S: '-5' }, 'EMULATOR_ACCESS_TOKEN_TTL_S'],
    [{ EMULATOR_AUTO_CONSENT: 'mallory' }, 'EMULATOR_AUTO_CONSENT'],
  ])('refuses %j with an error naming the variable', async (env, name) => {
    const p = launch(process.execPath, [await compiledEntry('src/emulator/main.ts')], { EMULATOR_PORT: '0', ...env });
    const { code } = await exited(p.child);
    expect(code).toBe(2);
    expect(p.err()).toContain(name);
    expect(p.err()).not.toContain(Object.values(env)[0]);
    expect(p.out()).not.toMatch(URL_LINE);
  });
});
