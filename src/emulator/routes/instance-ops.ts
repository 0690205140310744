/**
 * The per-instance operations of a service API besides CRUD: orchestrator root, health,
 * logs, ports, restart and the internal endpoint (src/emulator/README.md; client-ts generated OpenAPI
 * `/health/{id}`, `/logs/{id}`, `/ports/{id}`, `/restart/{id}`; client-ts core.ts
 * `getInternalEndpoint` for `/internal-endpoint/{id}` and `InternalEndpointInfo`).
 */
import { Router } from 'express';
import { internalPortsOf } from '../catalog.js';
import { hostInfo } from '../hosts.js';
import { externalPorts, healthOf, logLine, logsOf, startInstance } from '../instances.js';
import { json, noContent, text } from '../reply.js';
import { route } from '../route.js';
import type { EmulatorState } from '../state.js';
import { named, noRoute, notFound, withCtx } from './instance-ctx.js';

export function instanceOpsRouter(state: EmulatorState): Router {
  const r = Router();

  // Orchestrator health (src/emulator/README.md): no auth.
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

  r.get(
    '/health/:name',
    route(
      state,
      'instances.health',
      withCtx(state, (req, ctx) => {
        const i = named(req, ctx);
        return i ? json(200, { status: healthOf(state, i) }) : notFound(req);
      }),
    ),
  );

  r.get(
    '/logs/:name',
    route(
      state,
      'instances.logs',
      withCtx(state, (req, ctx) => {
        const i = named(req, ctx);
        return i ? text(200, `${logsOf(state, i).join('\n')}\n`) : notFound(req);
      }),
    ),
  );

  r.get(
    '/ports/:name',
    route(
      state,
      'instances.ports',
      withCtx(state, (req, ctx) => {
        const i = named(req, ctx);
        return i ? json(200, externalPorts(ctx.tenant, i)) : notFound(req);
      }),
    ),
  );

  // serviceDns naming is a GUESS (no source shows a value); ports come from the catalog.
  r.get(
    '/internal-endpoint/:name',
    route(
      state,
      'instances.internalEndpoint',
      withCtx(state, (req, ctx) => {
        const i = named(req, ctx);
        if (!i) return notFound(req);
        return json(200, {
          serviceDns: `${ctx.svc.serviceId}-${i.name}.${ctx.tenant.id}.svc.cluster.local`,
          ports: internalPortsOf(ctx.svc),
          publicAccess: externalPorts(ctx.tenant, i).length > 0,
        });
      }),
    ),
  );

  r.post(
    '/restart/:name',
    route(
      state,
      'instances.restart',
      withCtx(state, (req, ctx) => {
        if (ctx.svc.supportsRestart === false) return noRoute(req);
        const i = named(req, ctx);
        if (!i) return notFound(req);
        i.logs.push(logLine(state, `[info] Restarting ${i.name}`));
        startInstance(state, ctx.tenant, i);
        return noContent();
      }),
    ),
  );

  return r;
}
