/**
 * `catalog.svc.<env>.osaas.io` (src/emulator/README.md, E.3): the tenant's subscriptions as full
 * service records; the full catalog (`/service`) is closed to PATs.
 */
import { Router, type Request } from 'express';
import { parseBody } from '../body.js';
import { findService, serviceRecord, SERVICES } from '../catalog.js';
import { hostInfo } from '../hosts.js';
import { isReply, patCaller } from '../platform-auth.js';
import { json, reason, type Reply } from '../reply.js';
import { route } from '../route.js';
import type { EmulatorState } from '../state.js';

const envOf = (req: Request): string => {
  const h = hostInfo(req);
  return 'env' in h ? h.env : 'prod';
};

export function catalogRouter(state: EmulatorState): Router {
  const r = Router();

  r.get(
    '/mysubscriptions',
    route(state, 'catalog.subscriptions.list', (req): Reply => {
      const who = patCaller(state, req);
      if (isReply(who)) return who;
      const env = envOf(req);
      return json(
        200,
        SERVICES.filter((s) => who.tenant.subscriptions.has(s.serviceId)).map((s) => serviceRecord(s, env)),
      );
    }),
  );

  r.post(
    '/mysubscriptions',
    route(state, 'catalog.subscriptions.add', (req): Reply => {
      const who = patCaller(state, req);
      if (isReply(who)) return who;
      const body = parseBody(req);
      const ids = body?.services;
      if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string')) {
        return reason(400, 'Body must be {"services": [serviceId, ...]}');
      }
      const unknown = ids.find((id) => !findService(id as string));
      if (unknown !== undefined) return reason(404, `Service ${String(unknown)} not found`);
      for (const id of ids) who.tenant.subscriptions.add(id as string);
      return json(200, { teamId: who.tenant.id, services: [...who.tenant.subscriptions] });
    }),
  );

  r.delete(
    '/mysubscriptions/:serviceId',
    route(state, 'catalog.subscriptions.remove', (req): Reply => {
      const who = patCaller(state, req);
      if (isReply(who)) return who;
      const id = String(req.params.serviceId);
      if (!who.tenant.subscriptions.delete(id)) return reason(404, `Not subscribed to ${id}`);
      return json(200, { teamId: who.tenant.id, services: [...who.tenant.subscriptions] });
    }),
  );

  // The full catalog needs a platform API key; a PAT never opens it (src/emulator/README.md).
  const closed = (req: Request): Reply =>
    req.headers.authorization === undefined
      ? json(401, { error: 'missing authorization header' })
      : json(401, { error: 'invalid authorization header' });
  r.get('/service', route(state, 'catalog.service', closed));
  r.get('/service/:serviceId', route(state, 'catalog.service', closed));
  return r;
}
