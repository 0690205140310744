/**
 * The My Apps part of the OSC platform contract (src/osc/apps.ts): run against the SDK
 * adapter over the emulator (test/integration/osc/sdk-apps.test.ts) and the in-memory fake
 * (test/unit/osc/apps.test.ts), so the app tools' unit tests stand on behaviour the real
 * adapter has. Builds move building → running or failed on the world's clock.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppsPort } from '../../src/osc/apps.js';
import { UpstreamConflictError, UpstreamNotFoundError } from '../../src/errors.js';

export interface AppsWorld {
  platform: AppsPort;
  /** Moves the clock past one build. */
  finishBuild(): Promise<void>;
  /** The next build fails with this output. */
  failNextBuild(output: string): Promise<void>;
  /** A repository that clones only with `token`. */
  privateRepo(url: string, token: string): Promise<void>;
  /** Saves a secret of the app runner service. */
  setRunnerSecret(name: string, value: string): Promise<void>;
  /** A config store that exists; its name. */
  store(): Promise<string>;
  cleanup?(): Promise<void>;
}

const signal = () => AbortSignal.timeout(10_000);
const fresh = () => `app-${randomBytes(4).toString('hex')}`;
const REPO = 'https://github.com/example/contract-site';

export function describeAppsPort(label: string, makeWorld: () => Promise<AppsWorld>): void {
  describe(`AppsPort contract: ${label}`, () => {
    let w: AppsWorld;
    let p: AppsPort;
    beforeEach(async () => {
      w = await makeWorld();
      p = w.platform;
    });
    afterEach(async () => {
      await w.cleanup?.();
    });
    const create = (name = fresh(), more = {}) =>
      p.createApp({ name, type: 'nodejs', gitUrl: REPO, ...more }, signal());

    it('create returns at once building; the build ends running; list and get show it', async () => {
      const name = fresh();
      const app = await create(name, { sourceRef: 'main', subPath: 'web' });
      expect(app).toMatchObject({
        id: name.replace(/-/g, ''),
        name,
        type: 'nodejs',
        gitUrl: REPO,
        sourceRef: 'main',
        subPath: 'web',
        buildStatus: 'building',
      });
      expect(app.url).toMatch(/^https:\/\//);
      await w.finishBuild();
      expect(await p.getApp(app.id, signal())).toMatchObject({ id: app.id, buildStatus: 'running' });
      expect((await p.listApps(signal())).map((a) => a.id)).toContain(app.id);
      const logs = await p.readAppLogs(app.id, signal());
      expect(logs.text).toContain('[build] Build succeeded');
    });

    it('a failing build ends failed with its output in the logs', async () => {
      await w.failNextBuild('npm ERR! missing script: build');
      const app = await create();
      await w.finishBuild();
      expect((await p.getApp(app.id, signal())).buildStatus).toBe('failed');
      expect((await p.readAppLogs(app.id, signal())).text).toContain('npm ERR! missing script: build');
    });

    it('restart and rebuild start a build; setters change ref, store and credential and rebuild', async () => {
      const app = await create();
      await w.finishBuild();
      expect((await p.restartApp(app.id, false, signal())).id).toBe(app.id);
      await w.finishBuild();
      expect((await p.restartApp(app.id, true, signal())).id).toBe(app.id);
      await w.finishBuild();
      expect(await p.setAppSourceRef(app.id, 'v2', signal())).toMatchObject({ sourceRef: 'v2' });
      expect((await p.setAppSourceRef(app.id, null, signal())).sourceRef).toBeUndefined();
      const store = await w.store();
      expect(await p.setAppConfigStore(app.id, store, signal())).toMatchObject({ configService: store });
      expect((await p.setAppConfigStore(app.id, null, signal())).configService).toBeUndefined();
      await expect(p.setAppConfigStore(app.id, 'nostore', signal())).rejects.toBeInstanceOf(UpstreamNotFoundError);
      await w.setRunnerSecret('ghcred', 'value-1');
      expect((await p.setAppGitCredential(app.id, 'ghcred', signal())).id).toBe(app.id);
    });

    it('a private repository builds with a stored secret named by reference, fails without it', async () => {
      await w.privateRepo(REPO, 'ghp_contract_token');
      const without = await create();
      await w.setRunnerSecret('ghcred', 'ghp_contract_token');
      const withRef = await create(fresh(), { gitCredential: 'ghcred' });
      await w.finishBuild();
      expect((await p.getApp(without.id, signal())).buildStatus).toBe('failed');
      expect((await p.getApp(withRef.id, signal())).buildStatus).toBe('running');
    });

    it('delete removes it; unknown ids are UpstreamNotFoundError; a taken name is UpstreamConflictError', async () => {
      const name = fresh();
      const app = await create(name);
      await expect(create(name)).rejects.toBeInstanceOf(UpstreamConflictError);
      await p.deleteApp(app.id, signal());
      await expect(p.getApp(app.id, signal())).rejects.toBeInstanceOf(UpstreamNotFoundError);
      await expect(p.deleteApp(app.id, signal())).rejects.toBeInstanceOf(UpstreamNotFoundError);
      await expect(p.restartApp('nosuch', true, signal())).rejects.toBeInstanceOf(UpstreamNotFoundError);
      // The name stays taken for a while after a delete (src/emulator/README.md).
      await expect(create(name)).rejects.toBeInstanceOf(UpstreamConflictError);
    });
  });
}
