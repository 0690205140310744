/**
 * Instance documents and option validation for the per-service instance APIs
 * (osc-api.md B, instance document; E.3). The document echoes every option, sensitive ones
 * in cleartext, exactly like OSC does; redaction is the MCP server's job.
 */
import type { SeedService } from './catalog.js';
import type { EmulatorState, Instance, Tenant } from './state.js';

/** Instance names as the SDK enforces them (core.js `isValidInstanceName`). */
export const INSTANCE_NAME = /^[a-z0-9]+$/;

export function healthOf(state: EmulatorState, inst: Instance): string {
  if (inst.healthOverride) return inst.healthOverride;
  return state.clock.nowMs() - inst.startedAtMs >= state.options.instanceStartMs ? 'running' : 'starting';
}

export function instanceDoc(state: EmulatorState, svc: SeedService, tenant: Tenant, inst: Instance, env: string) {
  const url = `https://${tenant.id}-${inst.name}.${svc.serviceId}.auto.${env}.osaas.io`;
  return {
    name: inst.name,
    url,
    resources: {
      license: { url: `${svc.repoUrl}/blob/main/LICENSE` },
      apiDocs: { url: `${url}/docs` },
      app: { url },
    },
    ...inst.options,
    status: healthOf(state, inst),
    _links: {
      self: { href: `/${svc.noun}instance/${inst.name}` },
      logs: { href: `/logs/${inst.name}` },
      health: { href: `/health/${inst.name}` },
      ports: { href: `/ports/${inst.name}` },
      restart: { href: `/restart/${inst.name}` },
    },
  };
}

/**
 * The options to store, or the reason to refuse (400 `{reason}`): every mandatory option
 * present, values of simple types, enums and `regexValidator`s respected, defaults filled.
 * Unknown keys are dropped (GUESS). `partial` is for PATCH (nothing mandatory).
 */
export function validateOptions(
  svc: SeedService,
  input: Record<string, unknown>,
  partial = false,
): { options: Record<string, unknown> } | { reason: string } {
  const options: Record<string, unknown> = {};
  for (const opt of svc.options) {
    if (opt.name === 'name') continue;
    let v = input[opt.name];
    if (v === undefined || v === null || v === '') {
      if (!partial && opt.mandatory) return { reason: `Missing mandatory option: ${opt.name}` };
      if (!partial && opt.default !== undefined) options[opt.name] = opt.default;
      continue;
    }
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      return { reason: `Option ${opt.name} must be a string` };
    }
    v = String(v);
    const value = v as string;
    if (opt.type === 'enum' && opt.enums && !opt.enums.includes(value)) {
      return { reason: `Option ${opt.name} must be one of: ${opt.enums.join(', ')}` };
    }
    if (opt.type === 'boolean' && value !== 'true' && value !== 'false') {
      return { reason: `Option ${opt.name} must be true or false` };
    }
    // {{secrets.<name>}} references are resolved by the platform at run time, not validated.
    if (opt.regexValidator && !/^\{\{secrets\.[A-Za-z0-9_-]+\}\}$/.test(value) && !new RegExp(opt.regexValidator).test(value)) {
      return { reason: `Option ${opt.name} does not match ${opt.regexValidator}` };
    }
    options[opt.name] = input[opt.name];
  }
  return { options };
}

export function logLine(state: EmulatorState, text: string): string {
  return `${new Date(state.clock.nowMs()).toISOString()} ${text}`;
}
