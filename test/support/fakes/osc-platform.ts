/**
 * An in-memory `OscPlatform` (the port in src/osc/platform.ts) for unit tests: one
 * workspace, a catalog, instances with a start delay, logs, a token balance. It passes the
 * same contract suite as the SDK adapter against the emulator
 * (test/support/osc-platform-contract.ts), so a tool tested against it behaves the same
 * against OSC. Knobs for tests: `failNext`, `setHealth`, `appendLogs`, `advance`, and a count
 * of calls per method.
 *
 * Only the composition root picks a real adapter (src/app.ts); tests hand this one to
 * `buildMcpServer` directly.
 */
import type {
  Balance,
  ConfigEntry,
  ConfigPage,
  Instance,
  InstanceEndpoints,
  InstanceHealth,
  InstanceLogs,
  OscPlatform,
  Service,
  ServiceOption,
  HealthStatus,
} from '../../../src/osc/platform.js';
import {
  ServiceNotSubscribedError,
  UpdateNotSupportedError,
  UpstreamClientError,
  UpstreamConflictError,
  UpstreamNotFoundError,
  UpstreamTimeoutError,
} from '../../../src/errors.js';
import type { App, AppsPort, NewApp } from '../../../src/osc/apps.js';
import type { ToolClock } from '../../../src/mcp/tool.js';
import { FakeApps } from './apps.js';

/** A catalog entry: what the port shows, plus the daily price the balance is charged. */
export interface FakeService extends Service {
  tokensPerDay: number;
  /** The TCP port a database serves (exposed outside the workspace, src/emulator/README.md `/ports`). */
  tcpPort?: number;
  /** False: PATCH is not a route of this service (UpdateNotSupportedError). */
  updates?: boolean;
}

export interface FakeWorld {
  services: FakeService[];
  subscribed: string[];
  plan?: string;
  /** Tokens granted to the workspace (`available`). */
  tokens?: number;
  /** How long a new or restarted instance reports `starting` (default 1500 ms). */
  startMs?: number;
}

type Method = keyof OscPlatform;

interface FakeInstance {
  serviceId: string;
  name: string;
  options: Record<string, unknown>;
  startedAt: number;
  health?: HealthStatus;
  logs: string[];
}

const CONFIG_SVC = 'eyevinn-app-config-svc';
/** OSC's secret-name rule (src/emulator/README.md, service secrets). */
const SECRET_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** OSC's instance-name rule; the SDK adapter refuses other names before any call. */
const NAME_RE = /^[a-z0-9]{1,64}$/;

export function option(name: string, o: Partial<ServiceOption> = {}): ServiceOption {
  return { name, type: 'string', mandatory: false, sensitive: false, ...o };
}

/** A small catalog for tool tests: a store with a secret, a database, an ad server. */
export function defaultWorld(): FakeWorld {
  const svc = (serviceId: string, title: string, tokensPerDay: number, options: ServiceOption[]): FakeService => ({
    serviceId,
    title,
    description: `${title} in your workspace`,
    category: 'test',
    instanceNoun: serviceId.split('-').pop(),
    serviceType: 'instance',
    pricing: `${tokensPerDay} OSC tokens per day per instance`,
    options: [option('name', { mandatory: true }), ...options],
    tokensPerDay,
  });
  return {
    services: [
      svc('minio-minio', 'MinIO', 3, [
        option('RootUser', { mandatory: true }),
        option('RootPassword', { mandatory: true, sensitive: true }),
      ]),
      svc('apache-couchdb', 'CouchDB', 2, [option('AdminPassword', { mandatory: true, sensitive: true })]),
      svc('eyevinn-test-adserver', 'Test Adserver', 1, [option('MrssOrigin')]),
      {
        ...svc('birme-osc-postgresql', 'PostgreSQL', 2, [
          option('PostgresPassword', { mandatory: true, sensitive: true }),
          option('PostgresUser'),
          option('PostgresDb'),
        ]),
        tcpPort: 5432,
      },
      { ...svc(CONFIG_SVC, 'App Config Service', 1, [option('RedisUrl', { mandatory: true })]), updates: false },
    ],
    subscribed: ['minio-minio', 'eyevinn-test-adserver'],
    plan: 'PROFESSIONAL',
    tokens: 300,
  };
}

export class FakeOscPlatform implements OscPlatform {
  readonly calls: Partial<Record<Method, number>> = {};
  private readonly services: Map<string, FakeService>;
  private readonly subscribed: Set<string>;
  private readonly instances = new Map<string, FakeInstance>();
  private readonly failures = new Map<Method, Error[]>();
  private readonly startMs: number;
  private readonly plan: string;
  private readonly available: number;
  private used = 0;
  private offset = 0;
  /** serviceId → secret name → value (values only for tests that check what reached OSC). */
  readonly secrets = new Map<string, Map<string, string>>();
  private readonly stores = new Map<string, Map<string, ConfigEntry>>();
  private readonly closed = new Set<string>();

  constructor(world: FakeWorld = defaultWorld()) {
    this.services = new Map(world.services.map((s) => [s.serviceId, s]));
    this.subscribed = new Set(world.subscribed);
    this.startMs = world.startMs ?? 1500;
    this.plan = world.plan ?? 'FREE';
    this.available = world.tokens ?? 100;
    this.apps = new FakeApps(
      () => this.now(),
      (m, signal) => this.enter(m, signal),
      this.startMs,
    );
  }

  /** My Apps (./apps.ts): its knobs are on this object. */
  readonly apps: FakeApps;

  // --- knobs -------------------------------------------------------------------------

  /** The next call of `method` fails with `err` (queued: several calls fail in turn). */
  failNext(method: Method, err: Error): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), err]);
  }
  /** Forces an instance's health (`undefined` returns to the start cycle). */
  setHealth(serviceId: string, name: string, health: HealthStatus | undefined): void {
    this.must(serviceId, name).health = health;
  }
  appendLogs(serviceId: string, name: string, text: string): void {
    this.must(serviceId, name).logs.push(...text.split('\n'));
  }
  /** Moves the fake's clock (instances leave `starting` after `startMs`). */
  advance(ms: number): void {
    this.offset += ms;
  }
  /**
   * The fake's clock for the tools (McpServerContext.clock): a tool's sleep moves it and
   * yields once, so a wait of seconds for a start or a build costs no wall time and its
   * polls see the same times on every machine. An aborted signal still ends the sleep.
   */
  readonly clock: ToolClock = {
    now: () => this.now(),
    sleep: async (ms, signal) => {
      await new Promise((resolve) => setImmediate(resolve));
      if (signal.aborted) throw new UpstreamTimeoutError('OSC did not answer in time', { cause: signal.reason });
      this.advance(ms);
    },
  };
  /** Closes an instance's external TCP port (publicAccess off). */
  closePublicAccess(serviceId: string, name: string): void {
    this.must(serviceId, name);
    this.closed.add(key(serviceId, name));
  }
  /** A secret parameter as the store's own API key would have written it. */
  putSecretConfig(store: string, k: string): void {
    this.stores.get(store)?.set(k, { key: k, value: 'the-hidden-value', secret: true });
  }
  instanceOptions(serviceId: string, name: string): Record<string, unknown> {
    return structuredClone(this.must(serviceId, name).options);
  }
  instanceNames(serviceId: string): string[] {
    return [...this.instances.values()].filter((i) => i.serviceId === serviceId).map((i) => i.name);
  }

  // --- the port ----------------------------------------------------------------------

  listApps: AppsPort['listApps'] = (signal) => this.apps.listApps(signal);
  getApp: AppsPort['getApp'] = (id, signal) => this.apps.getApp(id, signal);
  createApp = (app: NewApp, signal: AbortSignal): Promise<App> => this.apps.createApp(app, signal);
  restartApp: AppsPort['restartApp'] = (id, rebuild, signal) => this.apps.restartApp(id, rebuild, signal);
  setAppSourceRef: AppsPort['setAppSourceRef'] = (id, ref, signal) => this.apps.setAppSourceRef(id, ref, signal);
  setAppConfigStore: AppsPort['setAppConfigStore'] = (id, store, signal) =>
    this.apps.setAppConfigStore(id, store, signal);
  setAppGitCredential: AppsPort['setAppGitCredential'] = (id, name, signal) =>
    this.apps.setAppGitCredential(id, name, signal);
  deleteApp: AppsPort['deleteApp'] = (id, signal) => this.apps.deleteApp(id, signal);
  readAppLogs: AppsPort['readAppLogs'] = (id, signal) => this.apps.readAppLogs(id, signal);

  async listServices(signal: AbortSignal): Promise<Service[]> {
    this.enter('listServices', signal);
    return [...this.subscribed].map((id) => this.view(this.services.get(id)!));
  }

  async describeService(serviceId: string, signal: AbortSignal): Promise<Service> {
    this.enter('describeService', signal);
    return this.view(this.subscribedService(serviceId));
  }

  async listInstances(serviceId: string, signal: AbortSignal): Promise<Instance[]> {
    this.enter('listInstances', signal);
    const svc = this.subscribedService(serviceId);
    return [...this.instances.values()].filter((i) => i.serviceId === serviceId).map((i) => this.doc(svc, i));
  }

  async getInstance(serviceId: string, name: string, signal: AbortSignal): Promise<Instance> {
    this.enter('getInstance', signal);
    const svc = this.subscribedService(serviceId);
    return this.doc(svc, this.found(serviceId, name));
  }

  async subscribe(serviceId: string, signal: AbortSignal): Promise<Service> {
    this.enter('subscribe', signal);
    const svc = this.services.get(serviceId);
    if (!svc) throw new UpstreamNotFoundError('OSC does not know this service', { status: 404 });
    this.subscribed.add(serviceId);
    return this.view(svc);
  }

  async createInstance(
    serviceId: string,
    name: string,
    options: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<Instance> {
    this.enter('createInstance', signal);
    const svc = this.subscribedService(serviceId);
    if (!NAME_RE.test(name)) throw new UpstreamClientError('OSC refused the request', { status: 400 });
    if (this.instances.has(key(serviceId, name)))
      throw new UpstreamConflictError('OSC reported a conflict', { status: 409 });
    const kept: Record<string, unknown> = {};
    for (const o of svc.options) {
      if (o.name === 'name') continue;
      const v = options[o.name];
      if (v === undefined || v === '') {
        if (o.mandatory) throw new UpstreamClientError('OSC refused the request', { status: 400 });
        continue;
      }
      kept[o.name] = v;
    }
    if (this.available - this.used < svc.tokensPerDay)
      throw new UpstreamClientError('OSC refused the request', { status: 403 });
    this.used += svc.tokensPerDay;
    const inst: FakeInstance = {
      serviceId,
      name,
      options: kept,
      startedAt: this.now(),
      logs: [`[info] ${name} is starting`],
    };
    this.instances.set(key(serviceId, name), inst);
    return this.doc(svc, inst);
  }

  async deleteInstance(serviceId: string, name: string, signal: AbortSignal): Promise<void> {
    if (!NAME_RE.test(name)) throw new RangeError('invalid instance name');
    this.enter('deleteInstance', signal);
    this.subscribedService(serviceId);
    this.found(serviceId, name);
    this.instances.delete(key(serviceId, name));
  }

  async restartInstance(serviceId: string, name: string, signal: AbortSignal): Promise<void> {
    this.enter('restartInstance', signal);
    this.subscribedService(serviceId);
    const inst = this.found(serviceId, name);
    inst.logs.push(`[info] Restarting ${name}`);
    inst.startedAt = this.now();
  }

  async instanceHealth(serviceId: string, name: string, signal: AbortSignal): Promise<InstanceHealth> {
    this.enter('instanceHealth', signal);
    this.subscribedService(serviceId);
    return { status: this.healthOf(this.found(serviceId, name)) };
  }

  async readLogs(serviceId: string, name: string, signal: AbortSignal): Promise<InstanceLogs> {
    this.enter('readLogs', signal);
    this.subscribedService(serviceId);
    return { text: `${this.found(serviceId, name).logs.join('\n')}\n`, truncated: false };
  }

  async tokenBalance(signal: AbortSignal): Promise<Balance> {
    this.enter('tokenBalance', signal);
    return { plan: this.plan, remaining: this.available - this.used, available: this.available, used: this.used };
  }

  async listSecrets(serviceId: string, signal: AbortSignal): Promise<string[]> {
    this.enter('listSecrets', signal);
    return [...(this.secrets.get(serviceId)?.keys() ?? [])];
  }

  async saveSecret(serviceId: string, secretName: string, value: string, signal: AbortSignal): Promise<void> {
    this.enter('saveSecret', signal);
    if (!SECRET_RE.test(secretName) || value.length > 65_536)
      throw new UpstreamClientError('OSC refused the request', { status: 400 });
    const held = this.secrets.get(serviceId) ?? new Map<string, string>();
    held.set(secretName, value);
    this.secrets.set(serviceId, held);
  }

  async deleteSecret(serviceId: string, secretName: string, signal: AbortSignal): Promise<void> {
    this.enter('deleteSecret', signal);
    if (!this.secrets.get(serviceId)?.delete(secretName))
      throw new UpstreamNotFoundError('OSC did not find what was asked for', { status: 404 });
  }

  async instanceEndpoints(serviceId: string, name: string, signal: AbortSignal): Promise<InstanceEndpoints> {
    this.enter('instanceEndpoints', signal);
    const svc = this.subscribedService(serviceId);
    const inst = this.found(serviceId, name);
    const open = svc.tcpPort !== undefined && !this.closed.has(key(serviceId, name));
    return {
      url: this.doc(svc, inst).url,
      external: open ? [{ ip: '192.0.2.10', port: 30_000 + (svc.tcpPort ?? 0), internalPort: svc.tcpPort! }] : [],
      internalDns: `${serviceId}-${name}.fake.svc.cluster.local`,
      internalPorts:
        svc.tcpPort === undefined
          ? [{ name: 'http', port: 8080, protocol: 'TCP' }]
          : [{ name: 'tcp', port: svc.tcpPort, protocol: 'TCP' }],
      publicAccess: open,
    };
  }

  async updateInstance(
    serviceId: string,
    name: string,
    options: Record<string, string>,
    signal: AbortSignal,
  ): Promise<Instance> {
    this.enter('updateInstance', signal);
    const svc = this.subscribedService(serviceId);
    if (svc.updates === false) throw new UpdateNotSupportedError(serviceId);
    const inst = this.found(serviceId, name);
    const known = new Set(svc.options.map((o) => o.name));
    if (Object.keys(options).some((k) => !known.has(k) || (k === 'name' && options[k] !== name))) {
      throw new UpstreamClientError('OSC refused the request', { status: 400 });
    }
    const { name: _same, ...rest } = options;
    Object.assign(inst.options, rest);
    inst.logs.push(`[info] Updated configuration of ${name}, restarting`);
    inst.startedAt = this.now();
    return this.doc(svc, inst);
  }

  async createConfigStore(name: string, signal: AbortSignal): Promise<void> {
    this.enter('createConfigStore', signal);
    if (!NAME_RE.test(name)) throw new UpstreamClientError('OSC refused the request', { status: 400 });
    if (this.stores.has(name)) throw new UpstreamConflictError('OSC reported a conflict', { status: 409 });
    this.stores.set(name, new Map());
    this.instances.set(key(CONFIG_SVC, name), {
      serviceId: CONFIG_SVC,
      name,
      options: {},
      startedAt: this.now(),
      logs: [],
    });
  }

  async configStoreExists(name: string, signal: AbortSignal): Promise<boolean> {
    this.enter('configStoreExists', signal);
    return this.stores.has(name);
  }

  async setConfig(store: string, k: string, value: string, signal: AbortSignal): Promise<ConfigEntry> {
    this.enter('setConfig', signal);
    const entries = this.store(store);
    if (entries.get(k)?.secret) throw new UpstreamClientError('OSC refused the request', { status: 400 });
    const entry = { key: k, value, secret: false };
    entries.set(k, entry);
    return { ...entry };
  }

  async getConfig(store: string, k: string, signal: AbortSignal): Promise<ConfigEntry> {
    this.enter('getConfig', signal);
    const e = this.store(store).get(k);
    if (!e) throw new UpstreamNotFoundError('OSC did not find what was asked for', { status: 404 });
    return masked(e);
  }

  async listConfig(store: string, offset: number, signal: AbortSignal): Promise<ConfigPage> {
    this.enter('listConfig', signal);
    const all = [...this.store(store).values()];
    const items = all.slice(offset, offset + 100).map(masked);
    const end = offset + items.length;
    return { items, total: all.length, next: end < all.length ? end : undefined };
  }

  // --- inside ------------------------------------------------------------------------

  private now(): number {
    return Date.now() + this.offset;
  }

  /** Counts the call, honours the signal (as the adapter: a timeout error), and fires a queued failure. */
  private enter(method: Method, signal: AbortSignal): void {
    this.calls[method] = (this.calls[method] ?? 0) + 1;
    if (signal.aborted) throw new UpstreamTimeoutError('OSC did not answer in time', { cause: signal.reason });
    const queued = this.failures.get(method);
    const err = queued?.shift();
    if (err) throw err;
  }

  /** A store that is not running yet answers 503 at OSC; the fake's stores start at once. */
  private store(name: string): Map<string, ConfigEntry> {
    const entries = this.stores.get(name);
    if (!entries) throw new UpstreamNotFoundError('OSC did not find what was asked for', { status: 404 });
    return entries;
  }

  private subscribedService(serviceId: string): FakeService {
    const svc = this.services.get(serviceId);
    if (!svc || !this.subscribed.has(serviceId)) throw new ServiceNotSubscribedError(serviceId);
    return svc;
  }

  private found(serviceId: string, name: string): FakeInstance {
    const inst = this.instances.get(key(serviceId, name));
    if (!inst) throw new UpstreamNotFoundError('OSC has no such instance', { status: 404 });
    return inst;
  }

  private must(serviceId: string, name: string): FakeInstance {
    const inst = this.instances.get(key(serviceId, name));
    if (!inst) throw new Error(`fake: no instance ${serviceId}/${name}`);
    return inst;
  }

  private healthOf(inst: FakeInstance): HealthStatus {
    if (inst.health) return inst.health;
    return this.now() - inst.startedAt < this.startMs ? 'starting' : 'running';
  }

  private view(svc: FakeService): Service {
    const { tokensPerDay: _price, ...service } = svc;
    return copyOf(service);
  }

  private doc(svc: FakeService, inst: FakeInstance): Instance {
    const url = `https://${svc.serviceId}-${inst.name}.fake.osaas.io`;
    return {
      serviceId: svc.serviceId,
      name: inst.name,
      url,
      status: this.healthOf(inst),
      fields: copyOf(inst.options),
      sensitive: svc.options.filter((o) => o.sensitive).map((o) => o.name),
    };
  }
}

/**
 * A deep copy of plain data (what the fake holds: strings, numbers, booleans, null, arrays and
 * plain objects), as structuredClone makes it, an own `__proto__` key included, at a tenth of
 * its CPU: every catalog view and instance document is one.
 */
function copyOf<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copyOf) as T;
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null)
    return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '__proto__')
      Object.defineProperty(out, k, { value: copyOf(v), enumerable: true, writable: true, configurable: true });
    else out[k] = copyOf(v);
  }
  return out as T;
}

const masked = (e: ConfigEntry): ConfigEntry => (e.secret ? { ...e, value: '***' } : { ...e });
const key = (serviceId: string, name: string) => `${serviceId}/${name}`;
