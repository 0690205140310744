/**
 * Parameter stores on `deploy.svc.<env>.osaas.io` (Terraform provider
 * `internal/provider/osc_deploy_api.go` create/get/deleteParameterStore and
 * `parameterStoreInstance`; its `examples/` "OSC creates a Valkey instance for it and holds
 * its encryption and API keys"):
 *   POST   /parameter-stores        {name}  → 200 {name, isSecure: true, configApiKey}
 *   GET    /parameter-stores/:name          → 200 {name, isSecure, configApiKey?} for any name
 *   DELETE /parameter-stores/:name          → 204; 404 when there is none
 * A store is a Valkey instance and an eyevinn-app-config-svc instance, both named `name`,
 * the latter with `RedisUrl` on the Valkey's internal address and generated `ConfigApiKey`
 * and `ParameterEncryptionKey` options. GUESSES: the request body (the provider's examples
 * only set `name`), the instance names, 409 when either name is taken, no billing, no
 * subscription side effect (the provider subscribes to the config service itself).
 */
import { Router } from 'express';
import { parseBody, str } from '../body.js';
import { findService } from '../catalog.js';
import { INSTANCE_NAME, instancesOf, logLine, newInstance } from '../instances.js';
import { b64url, hex } from '../random.js';
import { json, noContent, reason } from '../reply.js';
import { route } from '../route.js';
import type { EmulatorState } from '../state.js';
import { authed } from './deploy-auth.js';

const CONFIG_SVC = 'eyevinn-app-config-svc';
const VALKEY = 'valkey-io-valkey';
/** Emulator bound (stores are not billed here, so nothing else limits them). */
const MAX_STORES = 20;

export function deployStoresRouter(state: EmulatorState): Router {
  const r = Router();

  r.post(
    '/parameter-stores',
    route(
      state,
      'deploy.stores.create',
      authed(state, (req, who) => {
        const name = str(parseBody(req) ?? {}, 'name');
        if (!name || !INSTANCE_NAME.test(name) || name.length > 64)
          return reason(400, 'Invalid name: only lowercase letters and digits are allowed');
        const stores = instancesOf(who.tenant, CONFIG_SVC);
        const valkeys = instancesOf(who.tenant, VALKEY);
        if (stores.has(name) || valkeys.has(name)) return reason(409, 'Name is already taken');
        if (stores.size >= MAX_STORES) return reason(403, 'Too many parameter stores in this workspace');
        const valkeySvc = findService(VALKEY);
        const configSvc = findService(CONFIG_SVC);
        if (!valkeySvc || !configSvc) return reason(500, 'Parameter store services missing');
        newInstance(state, who.tenant, valkeySvc, name, {});
        const configApiKey = hex(24);
        const encryptionKey = Buffer.from(b64url(32), 'base64url').toString('base64');
        state.recordSecret('config_api_key', configApiKey, who.user.id);
        state.recordSecret('config_api_key', encryptionKey, who.user.id);
        const inst = newInstance(state, who.tenant, configSvc, name, {
          RedisUrl: `redis://${VALKEY}-${name}.${who.tenant.id}.svc.cluster.local:6379`,
          ConfigApiKey: configApiKey,
          ParameterEncryptionKey: encryptionKey,
        });
        inst.logs.push(logLine(state, `[info] Parameter store ${name} backed by Valkey instance ${name}`));
        return json(200, { name, isSecure: true, configApiKey });
      }),
    ),
  );

  r.get(
    '/parameter-stores/:name',
    route(
      state,
      'deploy.stores.get',
      authed(state, (req, who) => {
        const name = String(req.params.name);
        const inst = who.tenant.instances.get(CONFIG_SVC)?.get(name);
        const key = inst?.options.ConfigApiKey;
        // It "answers for any name" (the provider checks existence on the instance instead).
        return json(
          200,
          typeof key === 'string' && key !== ''
            ? { name, isSecure: true, configApiKey: key }
            : { name, isSecure: false },
        );
      }),
    ),
  );

  r.delete(
    '/parameter-stores/:name',
    route(
      state,
      'deploy.stores.delete',
      authed(state, (req, who) => {
        const name = String(req.params.name);
        if (!instancesOf(who.tenant, CONFIG_SVC).delete(name)) return reason(404, `Parameter store ${name} not found`);
        instancesOf(who.tenant, VALKEY).delete(name);
        return noContent();
      }),
    ),
  );

  return r;
}
