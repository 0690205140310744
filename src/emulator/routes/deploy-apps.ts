/**
 * My Apps on `deploy.svc.<env>.osaas.io` (client-ts `core/src/myapp.ts` list/create/get/
 * remove; Terraform provider `osc_deploy_api.go` restart `PUT ?rebuild=true`, `PATCH
 * …/config`, `…/source-ref`, `…/git-token`, `POST|DELETE …/ha`). The build itself is in
 * my-apps.ts. Every answer with a body is the app document; tokens and API keys are never in
 * it. A deleted app's name stays taken for `appNameHoldMs`.
 */
import { type Request, Router } from 'express';
import {
  credentialProblem,
  gitUrlProblem,
  optional,
  refProblem,
  subPathProblem,
  tokenProblem,
  typeProblem,
  APP_NAME,
} from '../app-input.js';
import { parseBody } from '../body.js';
import { hostInfo } from '../hosts.js';
import { appDoc, appIdOf, startBuild, WEB_RUNNER } from '../my-apps.js';
import { json, noContent, reason, type Reply } from '../reply.js';
import { route } from '../route.js';
import { secretRefName } from '../secret-refs.js';
import type { EmulatorState, MyApp } from '../state.js';
import type { Caller } from '../tokens.js';
import { authed } from './deploy-auth.js';

const MAX_APPS = 50;

export function deployAppsRouter(state: EmulatorState): Router {
  const r = Router();
  const envOf = (req: Request) => {
    const h = hostInfo(req);
    return 'env' in h ? h.env : 'prod';
  };
  const doc = (req: Request, who: Caller, a: MyApp) => json(200, appDoc(state, who.tenant, a, envOf(req)));
  /** The app, unless absent or inside a rebuild's "gone" window. */
  const find = (req: Request, who: Caller): MyApp | undefined => {
    const a = who.tenant.apps.get(String(req.params.id));
    return a && state.clock.nowMs() >= a.goneUntilMs ? a : undefined;
  };
  const notFound = (req: Request): Reply => reason(404, `App ${String(req.params.id)} not found`);
  const setToken = (who: Caller, a: MyApp, token: string | null | undefined): void => {
    if (token === undefined) return;
    if (token === null) delete a.gitToken;
    else {
      a.gitToken = token;
      if (secretRefName(token) === undefined) state.recordSecret('git_token', token, who.user.id);
    }
  };
  const storeProblem = (who: Caller, store: string | null | undefined): Reply | undefined =>
    store && !who.tenant.instances.get('eyevinn-app-config-svc')?.has(store)
      ? reason(404, `Parameter store ${store} not found`)
      : undefined;

  r.get(
    '/myapps',
    route(
      state,
      'deploy.apps.list',
      authed(state, (req, who) =>
        json(
          200,
          [...who.tenant.apps.values()]
            .filter((a) => state.clock.nowMs() >= a.goneUntilMs)
            .map((a) => appDoc(state, who.tenant, a, envOf(req))),
        ),
      ),
    ),
  );

  r.post(
    '/myapps',
    route(
      state,
      'deploy.apps.create',
      authed(state, (req, who) => {
        const body = parseBody(req);
        if (!body) return reason(400, 'Body must be a JSON object');
        const name = body.name;
        if (typeof name !== 'string' || !APP_NAME.test(name))
          return reason(400, 'Invalid app name: lowercase letters, digits and hyphens, at most 40');
        const gitUrl = body.gitUrl ?? body.gitHubUrl;
        const token = optional(body, 'gitToken') ?? optional(body, 'gitHubToken');
        const problem =
          typeProblem(body.type) ??
          gitUrlProblem(gitUrl) ??
          refProblem(body.sourceRef) ??
          subPathProblem(body.subPath) ??
          tokenProblem(token) ??
          credentialProblem(body.gitCredentialRef);
        if (problem) return reason(400, problem);
        if (token && body.gitCredentialRef) return reason(400, 'Give either gitToken or gitCredentialRef, not both');
        const configService = optional(body, 'configService');
        const bad = storeProblem(who, configService);
        if (bad) return bad;
        const id = appIdOf(name);
        const held = who.tenant.appHolds.get(id);
        if (
          who.tenant.apps.has(id) ||
          (held !== undefined && held > state.clock.nowMs()) ||
          who.tenant.instances.get(WEB_RUNNER)?.has(id)
        ) {
          return reason(409, 'Name is already taken');
        }
        if (who.tenant.apps.size >= MAX_APPS) return reason(403, 'Too many apps in this workspace');
        const now = state.clock.nowMs();
        const app: MyApp = {
          id,
          name,
          type: body.type as string,
          source: {
            repo: gitUrl as string,
            ...(typeof body.sourceRef === 'string' ? { ref: body.sourceRef } : {}),
            ...(typeof body.subPath === 'string' ? { folder: body.subPath } : {}),
          },
          haEnabled: false,
          createdAtMs: now,
          queuedUntilMs: 0,
          previousStatus: 'unknown',
          goneUntilMs: 0,
          ...(typeof body.gitCredentialRef === 'string' ? { gitCredentialRef: body.gitCredentialRef } : {}),
          ...(configService ? { configService } : {}),
          ...(typeof body.configApiKey === 'string' ? { configApiKey: body.configApiKey.slice(0, 4096) } : {}),
        };
        if (app.configApiKey) state.recordSecret('config_api_key', app.configApiKey, who.user.id);
        setToken(who, app, token);
        who.tenant.appHolds.delete(id);
        who.tenant.apps.set(id, app);
        startBuild(state, who.tenant, app, true);
        return doc(req, who, app);
      }),
    ),
  );

  r.get(
    '/myapps/:id',
    route(
      state,
      'deploy.apps.get',
      authed(state, (req, who) => {
        const a = find(req, who);
        return a ? doc(req, who, a) : notFound(req);
      }),
    ),
  );

  r.delete(
    '/myapps/:id',
    route(
      state,
      'deploy.apps.delete',
      authed(state, (req, who) => {
        const a = who.tenant.apps.get(String(req.params.id));
        if (!a) return notFound(req);
        who.tenant.apps.delete(a.id);
        who.tenant.instances.get(WEB_RUNNER)?.delete(a.id);
        who.tenant.appHolds.set(a.id, state.clock.nowMs() + state.options.appNameHoldMs);
        return noContent();
      }),
    ),
  );

  // Restart pulls and builds again; `?rebuild=true` recreates the instance from a fresh image.
  r.put(
    '/myapps/:id',
    route(
      state,
      'deploy.apps.restart',
      authed(state, (req, who) => {
        const a = find(req, who);
        if (!a) return notFound(req);
        startBuild(state, who.tenant, a, req.query.rebuild === 'true');
        return doc(req, who, a);
      }),
    ),
  );

  /** A PATCH that changes settings, then restarts the app with them (a rolling restart). */
  const patch = (id: string, change: (body: Record<string, unknown>, a: MyApp, who: Caller) => Reply | undefined) =>
    route(
      state,
      id,
      authed(state, (req, who) => {
        const a = find(req, who);
        if (!a) return notFound(req);
        const body = parseBody(req);
        if (!body) return reason(400, 'Body must be a JSON object');
        const refused = change(body, a, who);
        if (refused) return refused;
        startBuild(state, who.tenant, a, false);
        return doc(req, who, a);
      }),
    );

  r.patch(
    '/myapps/:id/config',
    patch('deploy.apps.config', (body, a, who) => {
      if (!('configService' in body)) return reason(400, 'Body must be {"configService", "configApiKey"?}');
      const store = optional(body, 'configService');
      const bad = storeProblem(who, store);
      if (bad) return bad;
      if (store) a.configService = store;
      else delete a.configService;
      const key = optional(body, 'configApiKey');
      if (store && key) a.configApiKey = key.slice(0, 4096);
      else delete a.configApiKey;
      return undefined;
    }),
  );

  r.patch(
    '/myapps/:id/source-ref',
    patch('deploy.apps.sourceRef', (body, a) => {
      if (!('sourceRef' in body)) return reason(400, 'Body must be {"sourceRef"}');
      const ref = optional(body, 'sourceRef');
      const problem = refProblem(ref);
      if (problem) return reason(400, problem);
      if (ref) a.source.ref = ref;
      else delete a.source.ref;
      return undefined;
    }),
  );

  r.patch(
    '/myapps/:id/git-token',
    patch('deploy.apps.gitToken', (body, a, who) => {
      const token = optional(body, 'gitToken');
      const cred = optional(body, 'gitCredentialRef');
      const problem = tokenProblem(token) ?? credentialProblem(cred);
      if (problem) return reason(400, problem);
      if (token && cred) return reason(400, 'Give either gitToken or gitCredentialRef, not both');
      setToken(who, a, token ?? null);
      if (cred) a.gitCredentialRef = cred;
      else delete a.gitCredentialRef;
      return undefined;
    }),
  );

  // HA: a standby instance; nodejs and python only, paid plans only (Terraform osc_my_app.go).
  const ha = (on: boolean) =>
    route(
      state,
      'deploy.apps.ha',
      authed(state, (req, who) => {
        const a = find(req, who);
        if (!a) return notFound(req);
        if (on && a.type !== 'nodejs' && a.type !== 'python')
          return reason(400, `High availability is only available for nodejs and python apps, not ${a.type}`);
        if (on && who.tenant.plan === 'FREE') return reason(403, 'High availability needs a paid plan');
        a.haEnabled = on;
        return doc(req, who, a);
      }),
    );
  r.post('/myapps/:id/ha', ha(true));
  r.delete('/myapps/:id/ha', ha(false));

  return r;
}
