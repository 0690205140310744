/**
 * `deploy.svc.<env>.osaas.io` (osc-api.md B "save secret", "My Apps"; E.3). Secrets are
 * stored per tenant and service and never returned (`GET` lists names only, as the CLI
 * shows). My Apps report `buildStatus` `building` until `instanceStartMs` has passed on the
 * emulator clock, then `running`.
 */
import { type Request, Router } from 'express';
import { parseBody, str } from '../body.js';
import { hostInfo } from '../hosts.js';
import { uuid } from '../random.js';
import { json, noContent, reason, } from '../reply.js';
import { route } from '../route.js';
import type { EmulatorState, MyApp } from '../state.js';
import { authed } from './deploy-auth.js';
import { deploySecretsRouter } from './deploy-secrets.js';
import { deployStoresRouter } from './deploy-stores.js';
import type { Caller } from '../tokens.js';

const APP_NAME = /^[a-z0-9-]{1,40}$/;

export function deployRouter(state: EmulatorState): Router {
  const r = Router();
  r.use(deploySecretsRouter(state));
  r.use(deployStoresRouter(state));

  const appDoc = (req: Request, who: Caller, a: MyApp) => {
    const h = hostInfo(req);
    const env = 'env' in h ? h.env : 'prod';
    const appDns = `${who.tenant.id}-${a.name}.eyevinn-web-runner.auto.${env}.osaas.io`;
    const built = state.clock.nowMs() - a.createdAtMs >= state.options.instanceStartMs;
    return { id: a.id, name: a.name, type: a.type, gitHubUrl: a.gitHubUrl, url: `https://${appDns}`, appDns, tenantId: who.tenant.id, buildStatus: built ? 'running' : 'building' };
  };

  r.get('/myapps', route(state, 'deploy.apps.list', authed(state, (req, who) =>
    json(200, [...who.tenant.apps.values()].map((a) => appDoc(req, who, a))))));

  r.post('/myapps', route(state, 'deploy.apps.create', authed(state, (req, who) => {
    const body = parseBody(req) ?? {};
    const name = str(body, 'name');
    const type = str(body, 'type');
    const gitHubUrl = str(body, 'gitHubUrl') ?? str(body, 'gitUrl');
    if (!name || !APP_NAME.test(name)) return reason(400, 'Invalid app name');
    if (!type || !['nodejs', 'python', 'wasm'].includes(type)) return reason(400, 'type must be nodejs, python or wasm');
    if (!gitHubUrl || !/^https:\/\//.test(gitHubUrl)) return reason(400, 'gitHubUrl must be an https URL');
    if ([...who.tenant.apps.values()].some((a) => a.name === name)) return reason(409, 'Name is already taken');
    const app: MyApp = { id: uuid(), name, type, gitHubUrl, createdAtMs: state.clock.nowMs() };
    who.tenant.apps.set(app.id, app);
    return json(200, appDoc(req, who, app));
  })));

  r.get('/myapps/:id', route(state, 'deploy.apps.get', authed(state, (req, who) => {
    const a = who.tenant.apps.get(String(req.params.id));
    return a ? json(200, appDoc(req, who, a)) : reason(404, 'App not found');
  })));

  r.delete('/myapps/:id', route(state, 'deploy.apps.delete', authed(state, (req, who) =>
    who.tenant.apps.delete(String(req.params.id)) ? noContent() : reason(404, 'App not found'))));

  return r;
}
