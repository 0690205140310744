/**
 * My Apps on the deploy host, requested as client-ts 0.24 `core/src/myapp.ts` and the
 * Terraform provider do (0.20.0 has no My Apps functions), with the build running on the
 * emulator clock, its output in the Web Runner instance's logs read with the unmodified
 * @osaas/client-core 0.20.0, and the app answering on its own hosts.
 */
import { getInstance, getLogsForInstance, saveSecret } from '@osaas/client-core';
import { describe, expect, it } from 'vitest';
import { useSdkEmulator } from './sdk-setup.js';

const w = useSdkEmulator({ instanceStartMs: 60_000 });
const deploy = 'https://deploy.svc.emu.osaas.io';
const REPO = 'https://github.com/example/hello-node';

type App = Record<string, unknown> & { id: string; buildStatus: string; url: string; appDns: string };

async function call(method: string, path: string, body?: unknown, pat = w.pat) {
  const res = await fetch(`${deploy}${path}`, {
    method,
    headers: { 'x-pat-jwt': `Bearer ${pat}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as App & { reason?: string } };
}
const create = (body: Record<string, unknown>) => call('POST', '/myapps', { type: 'nodejs', gitUrl: REPO, ...body });
const status = async (id: string) => (await call('GET', `/myapps/${id}`)).body.buildStatus;
const logs = async (id: string) =>
  getLogsForInstance(w.ctx, 'eyevinn-web-runner', id, await w.ctx.getServiceAccessToken('eyevinn-web-runner'));

describe('My Apps: create, build, reach, list, delete', () => {
  it('builds a public repository from building to running and serves it on its own hosts', async () => {
    const created = await create({ name: 'hello-web' });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: 'helloweb',
      name: 'hello-web',
      type: 'nodejs',
      gitUrl: REPO,
      gitHubUrl: REPO,
      url: 'https://alice-team-helloweb.eyevinn-web-runner.auto.emu.osaas.io',
      appDns: expect.stringMatching(/^[0-9a-f]{12}\.apps\.osaas\.io$/),
      tenantId: 'alice-team',
      buildStatus: 'building',
      configService: '',
      sourceRef: '',
      subPath: '',
      haEnabled: false,
      stageProdEnabled: false,
      analyticsService: '',
    });
    const app = created.body;
    expect((await fetch(app.url)).status).toBe(503);
    await w.emu.control.advanceClock(61);
    expect(await status(app.id)).toBe('running');
    const page = await fetch(`${app.url}/hello`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h1>hello-web</h1>');
    expect((await fetch(`https://${app.appDns}/`)).status).toBe(200);
    expect((await fetch('https://000000000000.apps.osaas.io/')).status).toBe(404);

    const out = await logs(app.id);
    expect(out).toContain(`[build] Cloning ${REPO}`);
    expect(out).toContain('[build] > npm install');
    expect(out).toContain('[build] Build succeeded');
    expect(out).toContain('[app] GET /hello 200');

    expect((await call('GET', '/myapps')).body).toEqual([
      expect.objectContaining({ id: 'helloweb', buildStatus: 'running' }),
    ]);
    expect((await call('DELETE', `/myapps/${app.id}`)).status).toBe(204);
    expect((await call('GET', `/myapps/${app.id}`)).status).toBe(404);
    expect((await call('DELETE', `/myapps/${app.id}`)).status).toBe(404);
    expect((await fetch(app.url)).status).toBe(404);
    expect((await call('GET', '/myapps')).body).toEqual([]);
  });

  it('keeps a deleted name taken for appNameHoldMs', async () => {
    const app = (await create({ name: 'again' })).body;
    await call('DELETE', `/myapps/${app.id}`);
    const soon = await create({ name: 'again' });
    expect(soon).toMatchObject({ status: 409, body: { reason: 'Name is already taken' } });
    await w.emu.control.advanceClock(61);
    expect((await create({ name: 'again' })).status).toBe(200);
    expect((await create({ name: 'again' })).status).toBe(409);
  });

  it('refuses bad bodies with 400 {reason}', async () => {
    for (const body of [
      { name: 'Bad Name' },
      { name: 'x', type: 'ruby' },
      { name: 'x', gitUrl: 'http://github.com/a/b' },
      { name: 'x', gitUrl: 'https://user:pw@github.com/a/b' },
      { name: 'x', gitUrl: `${REPO}#main` },
      { name: 'x', sourceRef: '../x' },
      { name: 'x', subPath: '../etc' },
      { name: 'x', gitCredentialRef: 'mycred' },
      { name: 'x', gitToken: 't', gitCredentialRef: 'user.gitcred.mycred' },
    ]) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.reason).toEqual(expect.any(String));
    }
    expect((await create({ name: 'x', configService: 'nostore' })).status).toBe(404);
  });
});

describe('My Apps: failing builds', () => {
  it('reports failed with the build output that explains it', async () => {
    await w.knob('/builds', {
      fail: 'npm ERR! Missing script: "build"\nnpm ERR! A complete log of this run can be found in /root/.npm/_logs',
    });
    const app = (await create({ name: 'broken' })).body;
    expect(app.buildStatus).toBe('building');
    await w.emu.control.advanceClock(61);
    expect(await status(app.id)).toBe('failed');
    const out = await logs(app.id);
    expect(out).toContain('[build] npm ERR! Missing script: "build"');
    expect(out).toContain('[build] Build failed with exit code 1');
    expect((await fetch(app.url)).status).toBe(503);
    // Only the armed build failed: a restart builds again and runs.
    await call('PUT', `/myapps/${app.id}`);
    await w.emu.control.advanceClock(61);
    expect(await status(app.id)).toBe('running');
  });

  it('shows build output only as the build gets there', async () => {
    await w.knob('/repos', { url: REPO, failBuild: 'Error: Cannot find module express' });
    const app = (await create({ name: 'slow' })).body;
    await w.emu.control.advanceClock(5);
    expect(await logs(app.id)).not.toContain('Cannot find module');
    await w.emu.control.advanceClock(56);
    expect(await logs(app.id)).toContain('[build] Error: Cannot find module express');
  });
});

describe('My Apps: restart, rebuild and the PATCH routes', () => {
  it('restarts with and without rebuild, honouring the queue and gone windows', async () => {
    const app = (await create({ name: 'api' })).body;
    await w.emu.control.advanceClock(61);
    await w.knob('/config', { appBuildQueueMs: 5000, appRebuildGoneMs: 30_000 });
    const restarted = await call('PUT', `/myapps/${app.id}`);
    expect(restarted).toMatchObject({ status: 200, body: { buildStatus: 'running' } });
    await w.emu.control.advanceClock(6);
    expect(await status(app.id)).toBe('building');
    expect(await logs(app.id)).toContain(`[info] Restarting ${app.id}`);
    await w.emu.control.advanceClock(61);
    expect(await status(app.id)).toBe('running');

    expect((await call('PUT', `/myapps/${app.id}?rebuild=true`)).status).toBe(200);
    expect((await call('GET', `/myapps/${app.id}`)).status).toBe(404);
    expect((await call('GET', '/myapps')).body).toEqual([]);
    await w.emu.control.advanceClock(31);
    expect(await status(app.id)).toBe('building');
    expect(await logs(app.id)).toContain('[info] Pulling image for eyevinn-web-runner');
    await w.emu.control.advanceClock(31);
    expect(await status(app.id)).toBe('running');
    expect((await call('PUT', '/myapps/nosuch')).status).toBe(404);
  });

  it('binds and unbinds a parameter store, changes the source ref, and rebuilds on each', async () => {
    const app = (await create({ name: 'cfgapp' })).body;
    await w.emu.control.advanceClock(61);
    const store = await fetch(`${deploy}/parameter-stores`, {
      method: 'POST',
      headers: { 'x-pat-jwt': `Bearer ${w.pat}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'appcfg' }),
    });
    const { configApiKey } = (await store.json()) as { configApiKey: string };
    const bound = await call('PATCH', `/myapps/${app.id}/config`, { configService: 'appcfg', configApiKey });
    expect(bound).toMatchObject({ status: 200, body: { configService: 'appcfg', buildStatus: 'building' } });
    expect(JSON.stringify(bound.body)).not.toContain(configApiKey);
    const runner = await getInstance(
      w.ctx,
      'eyevinn-web-runner',
      app.id,
      await w.ctx.getServiceAccessToken('eyevinn-web-runner'),
    );
    expect(runner).toMatchObject({ ConfigService: 'appcfg', ConfigApiKey: configApiKey });
    expect((await call('PATCH', `/myapps/${app.id}/config`, { configService: 'nostore' })).status).toBe(404);
    expect((await call('PATCH', `/myapps/${app.id}/config`, { configService: null })).body.configService).toBe('');
    expect((await call('PATCH', `/myapps/${app.id}/config`, {})).status).toBe(400);

    const pinned = await call('PATCH', `/myapps/${app.id}/source-ref`, { sourceRef: 'v1.2.0' });
    expect(pinned.body).toMatchObject({ sourceRef: 'v1.2.0', gitUrl: `${REPO}#v1.2.0`, buildStatus: 'building' });
    await w.emu.control.advanceClock(61);
    expect(await status(app.id)).toBe('running');
    expect(await logs(app.id)).toContain(`[build] Cloning ${REPO} (ref v1.2.0)`);

    // Commit SHAs are not refs the platform can build (Terraform osc_my_app.go).
    await call('PATCH', `/myapps/${app.id}/source-ref`, { sourceRef: '3f2a9c1d' });
    await w.emu.control.advanceClock(61);
    expect(await status(app.id)).toBe('failed');
    expect(await logs(app.id)).toContain('fatal: Remote branch 3f2a9c1d not found in upstream origin');
    expect((await call('PATCH', `/myapps/${app.id}/source-ref`, { sourceRef: null })).body).toMatchObject({
      sourceRef: '',
      gitUrl: REPO,
    });
  });

  it('turns HA on for nodejs and python on paid plans only', async () => {
    const node = (await create({ name: 'ha' })).body;
    expect((await call('POST', `/myapps/${node.id}/ha`)).body.haEnabled).toBe(true);
    expect((await call('DELETE', `/myapps/${node.id}/ha`)).body.haEnabled).toBe(false);
    const wasm = (await create({ name: 'wasmapp', type: 'wasm' })).body;
    expect((await call('POST', `/myapps/${wasm.id}/ha`)).status).toBe(400);
    const bobPat = (await w.emu.control.mint('bob')).access_token;
    const bobs = (await call('POST', '/myapps', { name: 'bobapp', type: 'python', gitUrl: REPO }, bobPat)).body;
    expect((await call('POST', `/myapps/${bobs.id}/ha`, undefined, bobPat)).status).toBe(403);
    expect((await call('GET', `/myapps/${bobs.id}`)).status).toBe(404);
  });
});

describe('My Apps: private repositories', () => {
  it('clones with a service-secret reference, never showing the token, and fails clearly without it', async () => {
    await w.knob('/repos', { url: REPO, token: 'ghp_CANARYtoken' });
    const app = (await create({ name: 'private', gitToken: '{{secrets.ghtoken}}' })).body;
    await w.emu.control.advanceClock(61);
    expect(await status(app.id)).toBe('failed');
    expect(await logs(app.id)).toContain('secret "ghtoken" not found in the service secrets of eyevinn-web-runner');

    await saveSecret('eyevinn-web-runner', 'ghtoken', 'ghp_wrong', w.ctx);
    await call('PUT', `/myapps/${app.id}`);
    await w.emu.control.advanceClock(61);
    expect(await status(app.id)).toBe('failed');
    expect(await logs(app.id)).toContain(`fatal: Authentication failed for '${REPO}/'`);

    await fetch(`${deploy}/mysecrets/eyevinn-web-runner/ghtoken`, {
      method: 'PUT',
      headers: { 'x-pat-jwt': `Bearer ${w.pat}`, 'content-type': 'application/json' },
      body: JSON.stringify({ secretData: 'ghp_CANARYtoken' }),
    });
    await call('PUT', `/myapps/${app.id}`);
    await w.emu.control.advanceClock(61);
    expect(await status(app.id)).toBe('running');

    const everything = JSON.stringify([
      (await call('GET', `/myapps/${app.id}`)).body,
      (await call('GET', '/myapps')).body,
      await logs(app.id),
    ]);
    expect(everything).not.toContain('ghp_');
    const runner = await getInstance(
      w.ctx,
      'eyevinn-web-runner',
      app.id,
      await w.ctx.getServiceAccessToken('eyevinn-web-runner'),
    );
    expect(runner.GitHubToken).toBe('{{secrets.ghtoken}}');
  });

  it('clones with a workspace Git credential reference, and records literal tokens as canaries', async () => {
    await w.knob('/repos', { url: REPO, token: 'ghp_CANARYcred' });
    await w.knob('/tenants/alice-team', { gitCredentials: { 'my-github': 'ghp_CANARYcred' } });
    const app = (await create({ name: 'credapp', gitCredentialRef: 'user.gitcred.my-github' })).body;
    await w.emu.control.advanceClock(61);
    expect(await status(app.id)).toBe('running');
    const missing = (await create({ name: 'nocred', gitCredentialRef: 'user.gitcred.other' })).body;
    await w.emu.control.advanceClock(61);
    expect(await status(missing.id)).toBe('failed');
    expect(await logs(missing.id)).toContain('fatal: git credential "other" not found in this workspace');

    const literal = await call('PATCH', `/myapps/${missing.id}/git-token`, { gitToken: 'ghp_CANARYliteral' });
    expect(JSON.stringify(literal.body)).not.toContain('ghp_');
    expect(await w.emu.control.canaries()).toEqual(expect.arrayContaining(['ghp_CANARYcred', 'ghp_CANARYliteral']));
    await w.emu.control.advanceClock(61);
    expect(await status(missing.id)).toBe('failed');
    expect(await logs(missing.id)).toContain('Authentication failed');
  });
});

describe('My Apps and stores: faults and counters', () => {
  it('arms faults on the new route ids: a create that answers 504 but still creates', async () => {
    await w.emu.control.failNext('deploy.apps.create', {
      status: 504,
      body: '<html>504 Gateway Time-out</html>',
      contentType: 'text/html',
      commit: true,
    });
    const res = await fetch(`${deploy}/myapps`, {
      method: 'POST',
      headers: { 'x-pat-jwt': `Bearer ${w.pat}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ghost', type: 'nodejs', gitUrl: REPO }),
    });
    expect(res.status).toBe(504);
    expect(await res.text()).toBe('<html>504 Gateway Time-out</html>');
    expect((await call('GET', '/myapps/ghost')).body).toMatchObject({ id: 'ghost', buildStatus: 'building' });
    const stats = await w.emu.control.stats();
    expect(stats.calls['deploy.apps.create']).toBe(1);
    expect(stats.calls['deploy.apps.get']).toBe(1);
  });

  it('counts app-host and store traffic as API calls and faults it by route id', async () => {
    const app = (await create({ name: 'counted' })).body;
    await w.emu.control.advanceClock(61);
    const before = (await w.emu.control.stats()).apiCalls;
    await w.emu.control.failNext('hosts.app', { status: 502 });
    expect((await fetch(app.url)).status).toBe(502);
    expect((await fetch(app.url)).status).toBe(200);
    const after = await w.emu.control.stats();
    expect(after.apiCalls - before).toBe(2);
    expect(after.calls['hosts.app']).toBe(2);
    expect(after).toMatchObject({ codeExchanges: 0, refreshes: 0 });
  });
});
