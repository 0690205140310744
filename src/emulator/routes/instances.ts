/**
 * `api-<serviceId>.auto.<env>.osaas.io`: one service's instance API (osc-api.md B, E.3).
 * SAT in `x-jwt: Bearer` or `Authorization: Bearer`; a missing, bad, expired or
 * other-service SAT gets nginx's HTML 401. Instances are per tenant (the SAT's tenant).
 * Creating costs the service's `tokensPerDay` up front: not enough remaining tokens, or a
 * FREE plan on an `excludeFromFree` service → 403 `{reason}` (GUESS: 403 is the refusal
 * the services' OpenAPI lists; osc-api.md B "create instance").
 */
import { Router, type Request } from 'express';
import { parseBody, str } from '../body.js';
import { findService, type SeedService } from '../catalog.js';
import { hostInfo } from '../hosts.js';
import { healthOf, instanceDoc, INSTANCE_NAME, logLine, validateOptions } from '../instances.js';
import { satFrom } from '../platform-auth.js';
import { json, noContent, reason, text, unauthorizedHtml, type Reply } from '../reply.js';
import { route } from '../route.js';
import type { EmulatorState, Instance, Tenant } from '../state.js';
import { verifySat } from '../tokens.js';

interface Ctx {
  svc: SeedService;
  tenant: Tenant;
  env: string;
  mine: Map<string, Instance>;
}

type Op = (req: Request, ctx: Ctx) => Reply;

/** Resolves service + SAT, then runs `op`; the collection path must be `/<noun>instance`. */
function withCtx(state: EmulatorState, op: Op, checkCollection = false) {
  return (req: Request): Reply => {
    const h = hostInfo(req);
    const svc = h.kind === 'instances' ? findService(h.serviceId) : undefined;
    if (!svc || h.kind !== 'instances') return reason(404, 'Service not found');
    if (checkCollection && req.params.collection !== `${svc.noun}instance`) return reason(404, 'Not found');
    const sat = satFrom(req);
    const tenant = sat ? verifySat(state, sat, svc.serviceId) : undefined;
    if (!tenant) return unauthorizedHtml();
    let mine = tenant.instances.get(svc.serviceId);
    if (!mine) {
      mine = new Map();
      tenant.instances.set(svc.serviceId, mine);
    }
    return op(req, { svc, tenant, env: h.env, mine });
  };
}

const named = (req: Request, ctx: Ctx): Instance | undefined => ctx.mine.get(String(req.params.name));
const notFound = (req: Request): Reply => reason(404, `Instance ${String(req.params.name)} not found`);

export function instancesRouter(state: EmulatorState): Router {
  const r = Router();
  const doc = (ctx: Ctx, i: Instance) => instanceDoc(state, ctx.svc, ctx.tenant, i, ctx.env);

  // Orchestrator health (osc-api.md B): no auth.
  r.get(
    '/',
    route(state, 'instances.root', (req) => {
      const h = hostInfo(req);
      return json(200, {
        status: 'ok',
        versions: { '@osaas/orchestrator': '0.0.0-emulator' },
        environment: 'env' in h ? h.env : 'prod',
        _links: {},
      });
    }),
  );

  r.get('/health/:name', route(state, 'instances.health', withCtx(state, (req, ctx) => {
    const i = named(req, ctx);
    return i ? json(200, { status: healthOf(state, i) }) : notFound(req);
  })));

  r.get('/logs/:name', route(state, 'instances.logs', withCtx(state, (req, ctx) => {
    const i = named(req, ctx);
    return i ? text(200, i.logs.join('\n') + '\n') : notFound(req);
  })));

  r.get('/ports/:name', route(state, 'instances.ports', withCtx(state, (req, ctx) => {
    const i = named(req, ctx);
    if (!i) return notFound(req);
    const port = ctx.svc.tcpPort;
    return json(200, port ? [{ externalIp: '172.232.131.169', externalPort: 10000 + (hashName(i.name) % 5000), internalPort: port }] : []);
  })));

  r.post('/restart/:name', route(state, 'instances.restart', withCtx(state, (req, ctx) => {
    const i = named(req, ctx);
    if (!i) return notFound(req);
    i.startedAtMs = state.clock.nowMs();
    delete i.healthOverride;
    i.logs.push(logLine(state, `[info] Restarting ${i.name}`), logLine(state, `[info] ${i.name} is starting`));
    return noContent();
  })));

  r.get('/:collection', route(state, 'instances.list', withCtx(state, (_req, ctx) => {
    return json(200, [...ctx.mine.values()].map((i) => doc(ctx, i)));
  }, true)));

  r.post('/:collection', route(state, 'instances.create', withCtx(state, (req, ctx) => {
    const body = parseBody(req);
    if (!body) return reason(400, 'Body must be a JSON object');
    const name = str(body, 'name');
    if (!name || !INSTANCE_NAME.test(name)) return reason(400, 'Invalid name: only lowercase letters and digits are allowed');
    if (ctx.mine.has(name)) return reason(409, 'Name is already taken');
    const v = validateOptions(ctx.svc, body);
    if ('reason' in v) return reason(400, v.reason);
    if (ctx.svc.excludeFromFree && ctx.tenant.plan === 'FREE') {
      return reason(403, `Service ${ctx.svc.serviceId} is not available on the FREE plan. Upgrade your plan.`);
    }
    const remaining = ctx.tenant.availableTokens - ctx.tenant.usedTokens;
    if (remaining < ctx.svc.tokensPerDay) {
      return reason(403, `Not enough tokens: ${ctx.svc.serviceId} costs ${ctx.svc.tokensPerDay} tokens per day and ${remaining} remain`);
    }
    ctx.tenant.usedTokens += ctx.svc.tokensPerDay;
    const now = state.clock.nowMs();
    const inst: Instance = {
      serviceId: ctx.svc.serviceId,
      name,
      options: v.options,
      createdAtMs: now,
      startedAtMs: now,
      logs: [
        logLine(state, `[info] Creating ${ctx.svc.title} instance ${name} in workspace ${ctx.tenant.id}`),
        logLine(state, `[info] Pulling image for ${ctx.svc.serviceId}`),
        logLine(state, `[info] ${name} is starting`),
      ],
    };
    ctx.mine.set(name, inst);
    // 200, as the services' OpenAPI documents (client-ts generated eyevinn-test-adserver.ts).
    return json(200, doc(ctx, inst));
  }, true)));

  r.get('/:collection/:name', route(state, 'instances.get', withCtx(state, (req, ctx) => {
    const i = named(req, ctx);
    return i ? json(200, doc(ctx, i)) : notFound(req);
  }, true)));

  r.patch('/:collection/:name', route(state, 'instances.update', withCtx(state, (req, ctx) => {
    const i = named(req, ctx);
    if (!i) return notFound(req);
    const body = parseBody(req);
    if (!body) return reason(400, 'Body must be a JSON object');
    const v = validateOptions(ctx.svc, body, true);
    if ('reason' in v) return reason(400, v.reason);
    Object.assign(i.options, v.options);
    i.logs.push(logLine(state, `[info] Updated configuration of ${i.name}`));
    return json(200, doc(ctx, i));
  }, true)));

  r.delete('/:collection/:name', route(state, 'instances.delete', withCtx(state, (req, ctx) => {
    if (!ctx.mine.delete(String(req.params.name))) return notFound(req);
    return noContent();
  }, true)));

  return r;
}

function hashName(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}
