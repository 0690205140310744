/**
 * My Apps: the deploy manager's records and the Web Runner instances they run on
 * (Terraform provider `osc_deploy_api.go`: `webRunnerServiceID`, the app id is the instance
 * name; `osc_my_app.go`: every build clones the repository and runs install, build and start,
 * the id "the platform derives from the name", runtimes nodejs/python/wasm/golang/dotnet,
 * `user.gitcred.<name>` credential references; client-ts `core/src/myapp.ts` `MyApp`).
 *
 * A build is the Web Runner instance's start: it lasts the service's start delay
 * (`serviceStartMs["eyevinn-web-runner"]`, else `instanceStartMs`), reports `building`, then
 * `running`, or `failed` with the build output in the instance's logs (read them at
 * `api-eyevinn-web-runner…/logs/<appId>`, like any instance's). A build fails when its Git
 * token reference does not resolve, the repository is private and the token is wrong, the
 * ref does not exist (a commit SHA never does), the repository is registered to fail, or a
 * failure was armed with `POST /__emulator/builds`.
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { findService } from './catalog.js';
import { escapeHtml } from './pages.js';
import {
  healthOf,
  instanceUrl,
  instancesOf,
  logLine,
  MAX_LOG_LINES,
  newInstance,
  startInstance,
  startMsFor,
} from './instances.js';
import { html, type Reply } from './reply.js';
import type { EmulatorState, Instance, MyApp, Tenant } from './state.js';

export const WEB_RUNNER = 'eyevinn-web-runner';
export const APP_TYPES = ['nodejs', 'python', 'wasm', 'golang', 'dotnet'] as const;

/** The app id from its name: the name without hyphens (GUESS; must be an instance name). */
export function appIdOf(name: string): string {
  return name.replace(/-/g, '');
}

/** The managed domain label, `<hash>` of `<hash>.apps.osaas.io` (GUESS: 12 hex characters). */
export function domainLabel(tenantId: string, appId: string): string {
  return createHash('sha256').update(`${tenantId}/${appId}`).digest('hex').slice(0, 12);
}

export function webRunnerOf(tenant: Tenant, app: MyApp): Instance | undefined {
  return tenant.instances.get(WEB_RUNNER)?.get(app.id);
}

/** The Web Runner options the app's settings make (catalog-services.ts). */
function runnerOptions(app: MyApp): Record<string, unknown> {
  const o: Record<string, unknown> = {
    SourceUrl: app.source.ref ? `${app.source.repo}#${app.source.ref}` : app.source.repo,
  };
  if (app.gitToken) o.GitHubToken = app.gitToken;
  if (app.source.folder) o.SubPath = app.source.folder;
  if (app.configService) o.ConfigService = app.configService;
  if (app.configApiKey) o.ConfigApiKey = app.configApiKey;
  return o;
}

/** `building | running | failed | unknown`, as `GET /myapps/:id` reports it. */
export function buildStatusOf(state: EmulatorState, tenant: Tenant, app: MyApp): string {
  if (state.clock.nowMs() < app.queuedUntilMs) return app.previousStatus;
  const inst = webRunnerOf(tenant, app);
  if (!inst) return 'unknown';
  const h = healthOf(state, inst);
  return h === 'starting' ? 'building' : h === 'running' || h === 'failed' ? h : 'unknown';
}

export function appDoc(state: EmulatorState, tenant: Tenant, app: MyApp, env: string) {
  const source = app.source.ref ? `${app.source.repo}#${app.source.ref}` : app.source.repo;
  return {
    id: app.id,
    name: app.name,
    type: app.type,
    gitUrl: source,
    gitHubUrl: source,
    url: instanceUrl(tenant.id, WEB_RUNNER, app.id, env),
    appDns: `${domainLabel(tenant.id, app.id)}.apps.osaas.io`,
    tenantId: tenant.id,
    buildStatus: buildStatusOf(state, tenant, app),
    configService: app.configService ?? '',
    sourceRef: app.source.ref ?? '',
    subPath: app.source.folder ?? '',
    haEnabled: app.haEnabled,
    stageProdEnabled: false,
    analyticsService: '',
  };
}

interface Problem {
  stage: 'clone' | 'build';
  lines: string[];
}

/** Why this build fails, as build output lines, or undefined when it succeeds. */
function buildProblem(state: EmulatorState, tenant: Tenant, app: MyApp, inst: Instance): Problem | undefined {
  const repo = state.repos.get(app.source.repo);
  const credential = app.gitCredentialRef?.replace(/^user\.gitcred\./, '');
  const token = credential !== undefined ? tenant.gitCredentials.get(credential) : inst.resolved.GitHubToken;
  const clone = (...lines: string[]): Problem => ({ stage: 'clone', lines });
  if (credential !== undefined && token === undefined)
    return clone(`fatal: git credential "${credential}" not found in this workspace`);
  if (repo?.token !== undefined && token !== repo.token) {
    return clone('remote: Repository not found.', `fatal: Authentication failed for '${app.source.repo}/'`);
  }
  const ref = app.source.ref;
  if (ref && (/^[0-9a-f]{7,40}$/.test(ref) || (repo?.refs && !repo.refs.includes(ref)))) {
    return clone(`fatal: Remote branch ${ref} not found in upstream origin`);
  }
  const output = repo?.failBuild ?? state.failingBuilds.shift();
  return output === undefined ? undefined : { stage: 'build', lines: output.split('\n').slice(0, 200) };
}

const STEPS: Record<string, string[]> = {
  nodejs: ['npm install', 'npm run build', 'npm start'],
  python: ['pip install -r requirements.txt', 'python main.py'],
  wasm: ['npm install', 'npm run build', 'wasmtime run app.wasm'],
  golang: ['go build -o app .', './app'],
  dotnet: ['dotnet publish -c Release', 'dotnet app.dll'],
};

/**
 * Starts a build: (re)creates or restarts the Web Runner instance with the app's settings,
 * decides the outcome now and schedules its output to appear in the logs as the build
 * progresses. `rebuild` recreates the instance from a fresh image.
 */
export function startBuild(state: EmulatorState, tenant: Tenant, app: MyApp, rebuild: boolean): void {
  const now = state.clock.nowMs();
  app.previousStatus = buildStatusOf(state, tenant, app);
  app.queuedUntilMs = now + state.options.appBuildQueueMs;
  const existing = webRunnerOf(tenant, app);
  let inst: Instance;
  const svc = findService(WEB_RUNNER);
  if (!svc) throw new Error('eyevinn-web-runner missing from the catalog');
  if (!existing || rebuild) {
    if (existing) app.goneUntilMs = now + state.options.appRebuildGoneMs;
    instancesOf(tenant, WEB_RUNNER).delete(app.id);
    inst = newInstance(state, tenant, svc, app.id, runnerOptions(app));
  } else {
    inst = existing;
    inst.options = runnerOptions(app);
    inst.logs.push(logLine(state, `[info] Restarting ${app.id}`));
    startInstance(state, tenant, inst);
  }
  if (inst.failure) return; // a Git token reference that did not resolve: startInstance logged it
  const duration = startMsFor(state, WEB_RUNNER);
  const at = (fraction: number) => now + Math.floor(duration * fraction);
  const line = (fraction: number, text: string) => ({
    atMs: at(fraction),
    line: `${new Date(at(fraction)).toISOString()} ${text}`,
  });
  const pending = [
    line(
      0,
      `[build] Cloning ${app.source.repo}${app.source.ref ? ` (ref ${app.source.ref})` : ''}${app.source.folder ? ` into ${app.source.folder}` : ''}`,
    ),
  ];
  const problem = buildProblem(state, tenant, app, inst);
  const steps = STEPS[app.type] ?? (STEPS.nodejs as string[]);
  if (problem?.stage === 'clone') {
    pending.push(
      ...problem.lines.map((p) => line(0.1, `[build] ${p}`)),
      line(0.1, '[build] Build failed: could not clone the repository'),
    );
    inst.failure = 'build failed';
  } else if (problem) {
    pending.push(
      line(0.2, `[build] > ${steps[0]}`),
      ...problem.lines.map((p) => line(0.6, `[build] ${p}`)),
      line(0.6, '[build] Build failed with exit code 1'),
    );
    inst.failure = 'build failed';
  } else {
    pending.push(...steps.slice(0, -1).map((s, i) => line(0.2 + 0.3 * i, `[build] > ${s}`)));
    pending.push(
      line(0.95, '[build] Build succeeded'),
      line(1, `[app] > ${steps[steps.length - 1]}`),
      line(1, '[app] Listening on port 8080'),
    );
  }
  inst.pendingLogs = pending;
}

/** The app whose managed domain label is `label`, with its Web Runner instance. */
export function appByDomain(state: EmulatorState, label: string): { tenant: Tenant; inst: Instance } | undefined {
  for (const tenant of state.tenants.values()) {
    for (const app of tenant.apps.values()) {
      const inst = domainLabel(tenant.id, app.id) === label ? webRunnerOf(tenant, app) : undefined;
      if (inst) return { tenant, inst };
    }
  }
  return undefined;
}

/** What a running app answers on its own host; each request is a runtime log line. */
export function appResponse(state: EmulatorState, tenant: Tenant, inst: Instance, req: Request): Reply {
  const app = tenant.apps.get(inst.name);
  const path = req.path.slice(0, 200);
  inst.logs.push(logLine(state, `[app] ${req.method} ${path} 200`));
  if (inst.logs.length > MAX_LOG_LINES) inst.logs.splice(0, inst.logs.length - MAX_LOG_LINES);
  const title = escapeHtml(app?.name ?? inst.name);
  const ref = escapeHtml(String(inst.options.SourceUrl ?? ''));
  return html(200, `<!doctype html><title>${title}</title><h1>${title}</h1><p>Built from ${ref}</p>`);
}
