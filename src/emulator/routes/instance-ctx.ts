/**
 * What every route of a service's instance API shares (src/emulator/README.md, E.3): the service from
 * the Host, the tenant from the SAT (`x-jwt: Bearer` or `Authorization: Bearer`; a missing,
 * bad, expired or other-service SAT gets nginx's HTML 401), and the tenant's instances of
 * that service.
 */
import type { Request } from 'express';
import { findService, type SeedService } from '../catalog.js';
import { hostInfo } from '../hosts.js';
import { instancesOf } from '../instances.js';
import { satFrom } from '../platform-auth.js';
import { reason, unauthorizedHtml, type Reply } from '../reply.js';
import type { EmulatorState, Instance, Tenant } from '../state.js';
import { verifySat } from '../tokens.js';

export interface Ctx {
  svc: SeedService;
  tenant: Tenant;
  env: string;
  mine: Map<string, Instance>;
}

export type Op = (req: Request, ctx: Ctx) => Reply;

/** Resolves service + SAT, then runs `op`; with `checkCollection` the path must be `/<noun>instance`. */
export function withCtx(state: EmulatorState, op: Op, checkCollection = false) {
  return (req: Request): Reply => {
    const h = hostInfo(req);
    const svc = h.kind === 'instances' ? findService(h.serviceId) : undefined;
    if (!svc || h.kind !== 'instances') return reason(404, 'Service not found');
    if (checkCollection && req.params.collection !== `${svc.noun}instance`) return reason(404, 'Not found');
    const sat = satFrom(req);
    const tenant = sat ? verifySat(state, sat, svc.serviceId) : undefined;
    if (!tenant) return unauthorizedHtml();
    return op(req, { svc, tenant, env: h.env, mine: instancesOf(tenant, svc.serviceId) });
  };
}

export const named = (req: Request, ctx: Ctx): Instance | undefined => ctx.mine.get(String(req.params.name));
export const notFound = (req: Request): Reply => reason(404, `Instance ${String(req.params.name)} not found`);

/** Fastify's answer for a route a service does not have (the TF provider CHANGELOG quotes it). */
export const noRoute = (req: Request): Reply => ({
  status: 404,
  json: {
    message: `Route ${req.method}:${req.originalUrl.split('?')[0]} not found`,
    error: 'Not Found',
    statusCode: 404,
  },
});
