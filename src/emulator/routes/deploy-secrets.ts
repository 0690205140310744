/**
 * Service secrets on `deploy.svc.<env>.osaas.io` (client-ts core.ts `saveSecret` for POST;
 * client-ts cli `src/user/cmd.ts` `secrets list|create|update|remove` for GET, PUT and
 * DELETE; src/emulator/README.md). Per tenant and service; values are never returned
 * (GET lists `{serviceId, secretName}` only). Instances read them when they start
 * (instances.ts), so changing a secret reaches an instance at its next restart. Every value
 * is recorded for the leak scans of `GET /__emulator/secrets` (kind `service_secret`).
 */
import { type Request, Router } from 'express';
import { parseBody, str } from '../body.js';
import { json, noContent, reason } from '../reply.js';
import { route } from '../route.js';
import { SECRET_NAME, secretsOf } from '../secret-refs.js';
import type { EmulatorState } from '../state.js';
import { authed } from './deploy-auth.js';

/** Emulator bounds (OSC's are not documented). */
const MAX_SECRET_BYTES = 65_536;
const MAX_SECRETS_PER_SERVICE = 200;
const MAX_SERVICES_WITH_SECRETS = 100;
const SERVICE_ID = /^[a-z0-9][a-z0-9-]{0,99}$/;

export function deploySecretsRouter(state: EmulatorState): Router {
  const r = Router();
  const sid = (req: Request): string => String(req.params.sid);
  const badValue = (data: string): boolean => Buffer.byteLength(data) > MAX_SECRET_BYTES;

  r.get(
    '/mysecrets/:sid',
    route(
      state,
      'deploy.secrets.list',
      authed(state, (req, who) =>
        json(
          200,
          [...(who.tenant.secrets.get(sid(req))?.keys() ?? [])].map((secretName) => ({
            serviceId: sid(req),
            secretName,
          })),
        ),
      ),
    ),
  );

  r.post(
    '/mysecrets/:sid',
    route(
      state,
      'deploy.secrets.create',
      authed(state, (req, who) => {
        const body = parseBody(req) ?? {};
        const name = str(body, 'secretName');
        const data = str(body, 'secretData');
        if (!SERVICE_ID.test(sid(req))) return reason(400, 'Invalid service id');
        if (!name || !SECRET_NAME.test(name) || data === undefined)
          return reason(400, 'Body must be {"secretName", "secretData"}');
        if (badValue(data)) return reason(400, 'Secret value is too large');
        if (!who.tenant.secrets.has(sid(req)) && who.tenant.secrets.size >= MAX_SERVICES_WITH_SECRETS)
          return reason(400, 'Too many services with secrets');
        const m = secretsOf(who.tenant, sid(req));
        if (m.has(name)) return reason(409, `Secret ${name} already exists`);
        if (m.size >= MAX_SECRETS_PER_SERVICE) return reason(400, 'Too many secrets for this service');
        m.set(name, data);
        state.recordSecret('service_secret', data, who.user.id);
        return json(200, { serviceId: sid(req), secretName: name });
      }),
    ),
  );

  r.put(
    '/mysecrets/:sid/:name',
    route(
      state,
      'deploy.secrets.update',
      authed(state, (req, who) => {
        const data = str(parseBody(req) ?? {}, 'secretData');
        if (data === undefined) return reason(400, 'Body must be {"secretData"}');
        if (badValue(data)) return reason(400, 'Secret value is too large');
        const m = who.tenant.secrets.get(sid(req));
        const name = String(req.params.name);
        if (!m?.has(name)) return reason(404, `Secret ${name} not found`);
        m.set(name, data);
        state.recordSecret('service_secret', data, who.user.id);
        return json(200, { serviceId: sid(req), secretName: name });
      }),
    ),
  );

  r.delete(
    '/mysecrets/:sid/:name',
    route(
      state,
      'deploy.secrets.delete',
      authed(state, (req, who) => {
        const name = String(req.params.name);
        return who.tenant.secrets.get(sid(req))?.delete(name) ? noContent() : reason(404, `Secret ${name} not found`);
      }),
    ),
  );

  return r;
}
