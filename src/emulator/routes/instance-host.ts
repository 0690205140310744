/**
 * An instance's own host, `https://<tenant>-<name>.<serviceId>.auto.<env>.osaas.io` (the
 * `url` of its document), and a My App's `<hash>.apps.osaas.io`. Behind OSC's ingress: no
 * such instance → 404 page; an instance that is not running → nginx's 503 page. What answers
 * then depends on the service: an eyevinn-app-config-svc instance serves the parameter-store
 * API (config-api.ts; SAT of that service and tenant required, as the Terraform provider's
 * `parameterClient` sends `x-jwt`), a Web Runner instance serves the My App (my-apps.ts),
 * any other instance a small page.
 */
import { type Request, Router } from 'express';
import { configApi } from '../config-api.js';
import { type HostInfo, hostInfo } from '../hosts.js';
import { healthOf } from '../instances.js';
import { appByDomain, appResponse } from '../my-apps.js';
import { satFrom } from '../platform-auth.js';
import { html, type Reply, unauthorizedHtml } from '../reply.js';
import { route } from '../route.js';
import type { EmulatorState, Instance, Tenant } from '../state.js';
import { verifySat } from '../tokens.js';

const CONFIG_SVC = 'eyevinn-app-config-svc';
const WEB_RUNNER = 'eyevinn-web-runner';

const page = (status: number, body: string): Reply => ({ status, text: body, contentType: 'text/html' });

function routeId(req: Request): string {
  const h = hostInfo(req);
  if (h.kind === 'app-domain' || (h.kind === 'instance-host' && h.serviceId === WEB_RUNNER)) return 'hosts.app';
  if (h.kind !== 'instance-host' || h.serviceId !== CONFIG_SVC) return 'hosts.instance';
  const one = req.path.startsWith('/api/v1/config/');
  const verb = { GET: one ? 'get' : 'list', POST: 'create', PUT: 'update', DELETE: 'delete' }[req.method] ?? 'other';
  return `store.config.${verb}`;
}

function target(state: EmulatorState, h: HostInfo): { tenant: Tenant; inst: Instance } | undefined {
  if (h.kind === 'app-domain') return appByDomain(state, h.label);
  if (h.kind !== 'instance-host') return undefined;
  const tenant = state.tenants.get(h.tenantId);
  const inst = tenant?.instances.get(h.serviceId)?.get(h.name);
  return tenant && inst ? { tenant, inst } : undefined;
}

export function instanceHostRouter(state: EmulatorState): Router {
  const r = Router();
  r.use(
    route(state, routeId, (req): Reply => {
      const found = target(state, hostInfo(req));
      if (!found) return page(404, '<html>404 Not Found</html>');
      const { tenant, inst } = found;
      if (healthOf(state, inst) !== 'running') return page(503, '<html>503 Service Temporarily Unavailable</html>');
      if (inst.serviceId === WEB_RUNNER) return appResponse(state, tenant, inst, req);
      if (inst.serviceId === CONFIG_SVC) {
        const sat = satFrom(req);
        const owner = sat ? verifySat(state, sat, CONFIG_SVC) : undefined;
        if (owner?.id !== tenant.id) return unauthorizedHtml();
        const userId = [...state.users.values()].find((u) => u.tenantId === tenant.id)?.id;
        return configApi(state, req, inst, userId ?? tenant.id);
      }
      return html(200, `<!doctype html><title>${inst.name}</title><h1>${inst.name}</h1><p>${inst.serviceId}</p>`);
    }),
  );
  return r;
}
