/**
 * My Apps: the deploy manager's records and the Web Runner instances they run on.
 */
import type { Request } from 'express';
import { html, type Reply } from './reply.js';
import type { EmulatorState, Instance, Tenant } from './state.js';

/** The app whose managed domain label is `label`, with its Web Runner instance. */
export function appByDomain(_state: EmulatorState, _label: string): { tenant: Tenant; inst: Instance } | undefined {
  return undefined;
}

/** What a running app answers on its own host. */
export function appResponse(_state: EmulatorState, _tenant: Tenant, inst: Instance, _req: Request): Reply {
  return html(200, `<!doctype html><title>${inst.name}</title><h1>${inst.name}</h1>`);
}
