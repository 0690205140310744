/**
 * The My Apps tools through the SDK adapter and the real SDK client against the emulator
 * (src/emulator/README.md, "My Apps"): a public app building then running with progress, its
 * logs, rebuild, config store, source ref, delete refused without confirm; a failing build
 * reported with its output; a private repository through a Git credential NAME whose value
 * reaches no tool result and no log line (APPS-07).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEmulator } from '../../support/emulator.js';
import { appsKnobs } from '../../support/apps-emulator.js';
import { ENV, startEmu, textOf, userSession, type UserSession } from './harness.js';

let emu: TestEmulator;
let alice: UserSession;
const REPO = 'https://github.com/example/hello-node';
const PRIVATE = 'https://github.com/example/private-site';
const TOKEN = 'ghp_apps_canary_4c1d2e';

beforeAll(async () => {
  emu = await startEmu({ instanceStartMs: 200 });
  alice = await userSession(emu, 'alice');
});
afterAll(async () => {
  await emu?.close();
});

describe('My Apps tools over the emulator', () => {
  it('public app: building then running with progress, logs, rebuild, config store, ref, delete with confirm', async () => {
    const progress: string[] = [];
    const r = await alice.call(
      'create_app',
      { name: 'hello-web', type: 'nodejs', repository: REPO, wait: 10 },
      { onProgress: (p) => progress.push(p.message ?? '') },
    );
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ app: { id: 'helloweb', buildStatus: 'running' }, waited: true });
    expect(progress).toContain('build status: building');
    const logs = await alice.call('read_app_logs', { appId: 'helloweb' });
    expect(
      (logs.structuredContent as { lines: string[] }).lines.some((l) => l.includes('[build] Build succeeded')),
    ).toBe(true);
    const rebuilt = await alice.call('restart_app', { appId: 'helloweb', rebuild: true });
    expect(rebuilt.isError, textOf(rebuilt)).toBeFalsy();
    expect(rebuilt.structuredContent).toMatchObject({ rebuilt: true, waited: false });
    const store = await appsKnobs(emu.url, ENV).store((await alice.credentials.accessToken()) ?? '', 'webcfg');
    const upd = await alice.call('update_app', { appId: 'helloweb', configStore: store, ref: 'main' });
    expect(upd.isError, textOf(upd)).toBeFalsy();
    expect(upd.structuredContent).toMatchObject({
      app: { configService: 'webcfg', sourceRef: 'main' },
      changed: ['ref', 'configStore'],
    });
    expect(textOf(await alice.call('delete_app', { appId: 'helloweb' }))).toMatch(/^Not deleted/);
    expect((await alice.call('delete_app', { appId: 'helloweb', confirm: true })).structuredContent).toEqual({
      appId: 'helloweb',
      deleted: true,
    });
  });

  it('a failing build is reported with the reason from its output', async () => {
    await appsKnobs(emu.url, ENV).failNextBuild('npm ERR! Missing script: "build"');
    const r = await alice.call('create_app', { name: 'broken', type: 'nodejs', repository: REPO, wait: 10 });
    expect(r.structuredContent).toMatchObject({ app: { buildStatus: 'failed' } });
    expect(textOf(r)).toMatch(/The build FAILED[\s\S]*\| [^\n]*\[build\] npm ERR! Missing script: "build"/);
  });

  it('a private repository through a Git credential name: the token is in no result and no log line', async () => {
    const knobs = appsKnobs(emu.url, ENV);
    await knobs.repo(PRIVATE, { token: TOKEN });
    await knobs.runnerSecret((await alice.credentials.accessToken()) ?? '', 'gh-cred', TOKEN);
    const r = await alice.call('create_app', {
      name: 'private-site',
      type: 'nodejs',
      repository: PRIVATE,
      gitCredential: 'gh-cred',
      wait: 10,
    });
    expect(r.structuredContent).toMatchObject({ app: { buildStatus: 'running' } });
    const all = [
      r,
      await alice.call('get_app', { appId: 'privatesite' }),
      await alice.call('read_app_logs', { appId: 'privatesite' }),
      await alice.call('list_apps', {}),
    ];
    expect(JSON.stringify(all) + alice.logs.join('\n')).not.toContain(TOKEN);
  });
});
