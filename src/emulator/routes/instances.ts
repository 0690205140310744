/**
 * `api-<serviceId>.auto.<env>.osaas.io`: one service's instance collection (src/emulator/README.md,
 * E.3; client-ts generated OpenAPI `/<noun>instance[/{id}]`). Instances are per tenant (the
 * SAT's tenant). Creating costs the service's `tokensPerDay` up front: not enough remaining
 * tokens, or a FREE plan on an `excludeFromFree` service → 403 `{reason}` (GUESS: 403 is the
 * refusal the services' OpenAPI lists). PATCH follows `_links.self` (client-ts core.ts
 * `updateInstance`), restarts the instance with the new options, and does not exist for
 * services whose OpenAPI has no PATCH (Fastify's 404 "Route PATCH:… not found").
 */
import { Router } from 'express';
import { parseBody, str } from '../body.js';
import { INSTANCE_NAME, instanceDoc, logLine, newInstance, startInstance, validateOptions } from '../instances.js';
import { json, noContent, reason } from '../reply.js';
import { route } from '../route.js';
import type { EmulatorState, Instance } from '../state.js';
import { type Ctx, named, noRoute, notFound, withCtx } from './instance-ctx.js';
import { instanceOpsRouter } from './instance-ops.js';

export function instancesRouter(state: EmulatorState): Router {
  const r = Router();
  const doc = (ctx: Ctx, i: Instance) => instanceDoc(state, ctx.svc, ctx.tenant, i, ctx.env);
  r.use(instanceOpsRouter(state));

  r.get(
    '/:collection',
    route(
      state,
      'instances.list',
      withCtx(
        state,
        (_req, ctx) => {
          return json(
            200,
            [...ctx.mine.values()].map((i) => doc(ctx, i)),
          );
        },
        true,
      ),
    ),
  );

  r.post(
    '/:collection',
    route(
      state,
      'instances.create',
      withCtx(
        state,
        (req, ctx) => {
          const body = parseBody(req);
          if (!body) return reason(400, 'Body must be a JSON object');
          const name = str(body, 'name');
          if (!name || !INSTANCE_NAME.test(name) || name.length > 64)
            return reason(400, 'Invalid name: only lowercase letters and digits are allowed');
          if (ctx.mine.has(name)) return reason(409, 'Name is already taken');
          const v = validateOptions(ctx.svc, body);
          if ('reason' in v) return reason(400, v.reason);
          if (ctx.svc.excludeFromFree && ctx.tenant.plan === 'FREE') {
            return reason(403, `Service ${ctx.svc.serviceId} is not available on the FREE plan. Upgrade your plan.`);
          }
          const remaining = ctx.tenant.availableTokens - ctx.tenant.usedTokens;
          if (remaining < ctx.svc.tokensPerDay) {
            return reason(
              403,
              `Not enough tokens: ${ctx.svc.serviceId} costs ${ctx.svc.tokensPerDay} tokens per day and ${remaining} remain`,
            );
          }
          ctx.tenant.usedTokens += ctx.svc.tokensPerDay;
          const inst = newInstance(state, ctx.tenant, ctx.svc, name, v.options);
          // 200, as the services' OpenAPI documents (client-ts generated eyevinn-test-adserver.ts).
          return json(200, doc(ctx, inst));
        },
        true,
      ),
    ),
  );

  r.get(
    '/:collection/:name',
    route(
      state,
      'instances.get',
      withCtx(
        state,
        (req, ctx) => {
          const i = named(req, ctx);
          return i ? json(200, doc(ctx, i)) : notFound(req);
        },
        true,
      ),
    ),
  );

  r.patch(
    '/:collection/:name',
    route(
      state,
      'instances.update',
      withCtx(
        state,
        (req, ctx) => {
          if (ctx.svc.supportsUpdate === false) return noRoute(req);
          const i = named(req, ctx);
          if (!i) return notFound(req);
          const body = parseBody(req);
          if (!body) return reason(400, 'Body must be a JSON object');
          // The OpenAPI allows `name` in the body; renaming is refused (GUESS).
          if (body.name !== undefined && body.name !== i.name)
            return reason(400, 'The name of an instance cannot be changed');
          const v = validateOptions(ctx.svc, body, true);
          if ('reason' in v) return reason(400, v.reason);
          Object.assign(i.options, v.options);
          i.logs.push(logLine(state, `[info] Updated configuration of ${i.name}, restarting`));
          startInstance(state, ctx.tenant, i);
          return json(200, doc(ctx, i));
        },
        true,
      ),
    ),
  );

  r.delete(
    '/:collection/:name',
    route(
      state,
      'instances.delete',
      withCtx(
        state,
        (req, ctx) => {
          if (!ctx.mine.delete(String(req.params.name))) return notFound(req);
          return noContent();
        },
        true,
      ),
    ),
  );

  return r;
}
