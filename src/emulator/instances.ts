/**
 * Instance records: documents, option validation and the start cycle (src/emulator/README.md,
 * instance document; E.3). The document echoes every option as it was given, sensitive ones
 * in cleartext and secret references as references, exactly like OSC does; redaction is the
 * MCP server's job. A start resolves `{{secrets.<name>}}` options (secret-refs.ts); a
 * reference that does not resolve makes the start fail: health `starting` for the start
 * delay, then `failed`, with the reason in the logs.
 */
import { findService, type SeedService } from './catalog.js';
import { inner } from './maps.js';
import type { Instance, Tenant } from './records.js';
import { resolveOptions } from './secret-refs.js';
import type { EmulatorState } from './state.js';

/** Instance names as the SDK enforces them (core.js `isValidInstanceName`). */
export const INSTANCE_NAME = /^[a-z0-9]+$/;

export function startMsFor(state: EmulatorState, serviceId: string): number {
  return state.options.serviceStartMs[serviceId] ?? state.options.instanceStartMs;
}

/** The instance's log lines, with pending ones (build output) whose time has come. */
export function logsOf(state: EmulatorState, inst: Instance): string[] {
  const now = state.clock.nowMs();
  while (inst.pendingLogs?.length && (inst.pendingLogs[0]?.atMs ?? 0) <= now)
    inst.logs.push(inst.pendingLogs.shift()?.line ?? '');
  if (inst.logs.length > MAX_LOG_LINES) inst.logs.splice(0, inst.logs.length - MAX_LOG_LINES);
  return inst.logs;
}

/** Emulator bound on kept log lines per instance. */
export const MAX_LOG_LINES = 5000;

export function healthOf(state: EmulatorState, inst: Instance): string {
  if (inst.healthOverride) return inst.healthOverride;
  if (state.clock.nowMs() - inst.startedAtMs < startMsFor(state, inst.serviceId)) return 'starting';
  return inst.failure ? 'failed' : 'running';
}

export function logLine(state: EmulatorState, text: string): string {
  return `${new Date(state.clock.nowMs()).toISOString()} ${text}`;
}

/** (Re)starts an instance: resolves its secrets now and restarts the start delay. */
export function startInstance(state: EmulatorState, tenant: Tenant, inst: Instance): void {
  inst.startedAtMs = state.clock.nowMs();
  delete inst.healthOverride;
  delete inst.pendingLogs;
  const { resolved, missing } = resolveOptions(tenant, inst.serviceId, inst.options);
  inst.resolved = resolved;
  if (missing.length > 0) {
    inst.failure = `secret "${missing[0]}" not found in the service secrets of ${inst.serviceId}`;
    inst.logs.push(logLine(state, `[error] Failed to start ${inst.name}: ${inst.failure}`));
  } else {
    delete inst.failure;
    inst.logs.push(logLine(state, `[info] ${inst.name} is starting`));
  }
}

/** A new instance record, started (no billing, no validation: callers do those). */
export function newInstance(
  state: EmulatorState,
  tenant: Tenant,
  svc: SeedService,
  name: string,
  options: Record<string, unknown>,
): Instance {
  const now = state.clock.nowMs();
  const inst: Instance = {
    serviceId: svc.serviceId,
    name,
    options,
    createdAtMs: now,
    startedAtMs: now,
    resolved: {},
    publicAccess: svc.tcpPort !== undefined,
    logs: [
      logLine(state, `[info] Creating ${svc.title} instance ${name} in workspace ${tenant.id}`),
      logLine(state, `[info] Pulling image for ${svc.serviceId}`),
    ],
  };
  if (svc.serviceId === 'eyevinn-app-config-svc') inst.config = new Map();
  startInstance(state, tenant, inst);
  instancesOf(tenant, svc.serviceId).set(name, inst);
  return inst;
}

export function instancesOf(tenant: Tenant, serviceId: string): Map<string, Instance> {
  return inner(tenant.instances, serviceId);
}

/** `https://<tenant>-<name>.<serviceId>.auto.<env>.osaas.io` (TF test; OVC; src/emulator/README.md). */
export function instanceUrl(tenantId: string, serviceId: string, name: string, env: string): string {
  return `https://${tenantId}-${name}.${serviceId}.auto.${env}.osaas.io`;
}

export function instanceDoc(state: EmulatorState, svc: SeedService, tenant: Tenant, inst: Instance, env: string) {
  const url = instanceUrl(tenant.id, svc.serviceId, inst.name, env);
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
      ...(svc.supportsRestart === false ? {} : { restart: { href: `/restart/${inst.name}` } }),
      internalEndpoint: { href: `/internal-endpoint/${inst.name}` },
    },
  };
}

/** `/ports/:name`: the external TCP port where the service exposes one and access is on. */
export function externalPorts(tenant: Tenant, inst: Instance) {
  const svc = findService(inst.serviceId);
  if (!svc?.tcpPort || !inst.publicAccess) return [];
  return [
    {
      externalIp: '172.232.131.169',
      externalPort: 10000 + (hash(`${tenant.id}/${inst.serviceId}/${inst.name}`) % 20000),
      internalPort: svc.tcpPort,
    },
  ];
}

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
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
    if (value.length > MAX_OPTION_LENGTH) return { reason: `Option ${opt.name} is too long` };
    if (opt.type === 'enum' && opt.enums && !opt.enums.includes(value)) {
      return { reason: `Option ${opt.name} must be one of: ${opt.enums.join(', ')}` };
    }
    if (opt.type === 'boolean' && value !== 'true' && value !== 'false') {
      return { reason: `Option ${opt.name} must be true or false` };
    }
    // {{secrets.<name>}} references are resolved by the platform at start, not validated.
    if (
      opt.regexValidator &&
      !/^\{\{secrets\.[A-Za-z0-9_-]+\}\}$/.test(value) &&
      !new RegExp(opt.regexValidator).test(value)
    ) {
      return { reason: `Option ${opt.name} does not match ${opt.regexValidator}` };
    }
    options[opt.name] = input[opt.name];
  }
  return { options };
}

/** Bound on one option value (emulator limit; OSC's is not documented). */
export const MAX_OPTION_LENGTH = 16_384;
