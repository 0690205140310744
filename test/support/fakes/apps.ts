/**
 * The My Apps part of the in-memory OSC fake (test/support/fakes/osc-platform.ts mixes it
 * in): apps that build for `buildMs` on the fake's clock, then run or fail with build output,
 * as the emulator's deploy host does (src/emulator/my-apps.ts). It passes the apps part of
 * the contract suite (test/support/osc-platform-contract.ts). Knobs: `failNextBuild`,
 * `privateRepo`, `setRunnerSecret`.
 */
import { APP_RUNNER_SERVICE, type App, type AppsPort, type NewApp } from '../../../src/osc/apps.js';
import type { InstanceLogs, OscPlatform } from '../../../src/osc/platform.js';
import { UpstreamClientError, UpstreamConflictError, UpstreamNotFoundError } from '../../../src/errors.js';

interface FakeApp {
  app: NewApp;
  builtAt: number;
  /** Why the current build fails (its output), or undefined. */
  failure?: string[];
  logs: string[];
}

const APP_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
const NAME_HOLD_MS = 60_000;

export class FakeApps implements AppsPort {
  private readonly apps = new Map<string, FakeApp>();
  private readonly held = new Map<string, number>();
  private readonly failing: string[] = [];
  private readonly repos = new Map<string, string>();
  /** Secrets of the app runner service, by name (what set_secret stores). */
  readonly runnerSecrets = new Map<string, string>();
  /** Config stores that exist in the workspace. */
  readonly stores = new Set<string>(['appconfig']);

  constructor(
    private readonly now: () => number,
    private readonly enter: (method: keyof OscPlatform, signal: AbortSignal) => void,
    private readonly buildMs = 1500,
  ) {}

  failNextBuild(output: string): void {
    this.failing.push(output);
  }
  /** A repository that clones only with `token`. */
  privateRepo(url: string, token: string): void {
    this.repos.set(url, token);
  }
  setRunnerSecret(name: string, value: string): void {
    this.runnerSecrets.set(name, value);
  }

  async listApps(signal: AbortSignal): Promise<App[]> {
    this.enter('listApps', signal);
    return [...this.apps.keys()].map((id) => this.doc(id));
  }

  async getApp(id: string, signal: AbortSignal): Promise<App> {
    this.enter('getApp', signal);
    return this.doc(this.found(id).app.name);
  }

  async createApp(app: NewApp, signal: AbortSignal): Promise<App> {
    this.enter('createApp', signal);
    if (!APP_NAME.test(app.name)) throw new UpstreamClientError('OSC refused the request', { status: 400 });
    if (app.configService && !this.stores.has(app.configService))
      throw new UpstreamNotFoundError('OSC has no such store', { status: 404 });
    const id = idOf(app.name);
    if (this.apps.has(id) || (this.held.get(id) ?? 0) > this.now())
      throw new UpstreamConflictError('OSC reported a conflict', { status: 409 });
    const a: FakeApp = { app: { ...app }, builtAt: 0, logs: [] };
    this.apps.set(id, a);
    this.build(a);
    return this.doc(id);
  }

  async restartApp(id: string, rebuild: boolean, signal: AbortSignal): Promise<App> {
    this.enter('restartApp', signal);
    const a = this.found(id);
    if (rebuild) a.logs = [];
    else a.logs.push(`[info] Restarting ${id}`);
    this.build(a);
    return this.doc(id);
  }

  async setAppSourceRef(id: string, sourceRef: string | null, signal: AbortSignal): Promise<App> {
    this.enter('setAppSourceRef', signal);
    return this.change(id, { sourceRef: sourceRef ?? undefined });
  }

  async setAppConfigStore(id: string, store: string | null, signal: AbortSignal): Promise<App> {
    this.enter('setAppConfigStore', signal);
    this.found(id);
    if (store && !this.stores.has(store)) throw new UpstreamNotFoundError('OSC has no such store', { status: 404 });
    return this.change(id, { configService: store ?? undefined });
  }

  async setAppGitCredential(id: string, secretName: string | null, signal: AbortSignal): Promise<App> {
    this.enter('setAppGitCredential', signal);
    return this.change(id, { gitCredential: secretName ?? undefined });
  }

  async deleteApp(id: string, signal: AbortSignal): Promise<void> {
    this.enter('deleteApp', signal);
    this.found(id);
    this.apps.delete(id);
    this.held.set(id, this.now() + NAME_HOLD_MS);
  }

  async readAppLogs(id: string, signal: AbortSignal): Promise<InstanceLogs> {
    this.enter('readAppLogs', signal);
    const a = this.found(id);
    const done = this.now() - a.builtAt >= this.buildMs;
    const lines = a.logs.filter((l) => done || !l.startsWith('@'));
    return { text: `${lines.map((l) => l.replace(/^@/, '')).join('\n')}\n`, truncated: false };
  }

  // Lines starting with '@' appear when the build ends.
  private build(a: FakeApp): void {
    a.builtAt = this.now();
    const { gitUrl, sourceRef, gitCredential } = a.app;
    a.logs.push(`[build] Cloning ${gitUrl}${sourceRef ? ` (ref ${sourceRef})` : ''}`);
    const needed = this.repos.get(gitUrl);
    const token = gitCredential === undefined ? undefined : this.runnerSecrets.get(gitCredential);
    if (gitCredential !== undefined && token === undefined)
      a.failure = [`fatal: secret "${gitCredential}" of ${APP_RUNNER_SERVICE} not found`];
    else if (needed !== undefined && token !== needed)
      a.failure = ['remote: Repository not found.', `fatal: Authentication failed for '${gitUrl}/'`];
    else {
      const out = this.failing.shift();
      a.failure = out === undefined ? undefined : out.split('\n');
    }
    if (a.failure) a.logs.push(...a.failure.map((l) => `@[build] ${l}`), '@[build] Build failed with exit code 1');
    else a.logs.push('@[build] Build succeeded', '@[app] Listening on port 8080');
  }

  private change(id: string, patch: Partial<NewApp>): App {
    const a = this.found(id);
    a.app = { ...a.app, ...patch };
    for (const k of Object.keys(patch) as Array<keyof NewApp>) if (patch[k] === undefined) delete a.app[k];
    this.build(a);
    return this.doc(id);
  }

  private found(id: string): FakeApp {
    const a = this.apps.get(id);
    if (!a) throw new UpstreamNotFoundError('OSC has no such app', { status: 404 });
    return a;
  }

  private doc(nameOrId: string): App {
    const id = idOf(nameOrId);
    const a = this.found(id);
    const building = this.now() - a.builtAt < this.buildMs;
    return {
      id,
      name: a.app.name,
      type: a.app.type,
      gitUrl: a.app.gitUrl,
      sourceRef: a.app.sourceRef,
      subPath: a.app.subPath,
      configService: a.app.configService,
      url: `https://team-${id}.${APP_RUNNER_SERVICE}.auto.fake.osaas.io`,
      appDns: `${id}.apps.osaas.io`,
      buildStatus: building ? 'building' : a.failure ? 'failed' : 'running',
    };
  }
}

function idOf(name: string): string {
  return name.replace(/-/g, '');
}
