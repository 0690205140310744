/**
 * `token.svc.<env>.osaas.io/servicetoken` (src/emulator/README.md): PAT in, SAT out,
 * `{serviceId, token, expiry}` with `expiry` in unix seconds (APIDOC). The SAT is bound to
 * the caller's tenant and the service. Subscription is not required here: the SDK
 * subscribes first anyway (context.js), and OSC's rule is not documented.
 */
import { Router } from 'express';
import { parseBody, str } from '../body.js';
import { findService } from '../catalog.js';
import { isReply, patCaller } from '../platform-auth.js';
import { json, reason, type Reply } from '../reply.js';
import { route } from '../route.js';
import type { EmulatorState } from '../state.js';
import { issueSat } from '../tokens.js';

export function tokenRouter(state: EmulatorState): Router {
  const r = Router();
  r.post(
    '/servicetoken',
    route(state, 'token.servicetoken', (req): Reply => {
      const who = patCaller(state, req);
      if (isReply(who)) return who;
      const serviceId = str(parseBody(req) ?? {}, 'serviceId');
      if (!serviceId) return reason(400, 'Body must be {"serviceId": "..."}');
      if (!findService(serviceId)) return reason(404, `Service ${serviceId} not found`);
      return json(200, issueSat(state, who, serviceId));
    }),
  );
  return r;
}
