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
import type { Balance, Instance, InstanceHealth, InstanceLogs, OscPlatform, Service, ServiceOption, HealthStatus } from '../../../src/osc/platform.js';
import { ServiceNotSubscribedError, UpstreamClientError, UpstreamConflictError, UpstreamNotFoundError, UpstreamTimeoutError } from '../../../src/errors.js';

/** A catalog entry: what the port shows, plus the daily price the balance is charged. */
export interface FakeService extends Service {
  tokensPerDay: number;
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
      svc('minio-minio', 'MinIO', 3, [option('RootUser', { mandatory: true }), option('RootPassword', { mandatory: true, sensitive: true })]),
      svc('apache-couchdb', 'CouchDB', 2, [option('AdminPassword', { mandatory: true, sensitive: true })]),
      svc('eyevinn-test-adserver', 'Test Adserver', 1, [option('MrssOrigin')]),
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

  constructor(world: FakeWorld = defaultWorld()) {
    this.services = new Map(world.services.map((s) => [s.serviceId, s]));
    this.subscribed = new Set(world.subscribed);
    this.startMs = world.startMs ?? 1500;
    this.plan = world.plan ?? 'FREE';
    this.available = world.tokens ?? 100;
  }

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
  instanceNames(serviceId: string): string[] {
    return [...this.instances.values()].filter((i) => i.serviceId === serviceId).map((i) => i.name);
  }

  // --- the port ----------------------------------------------------------------------

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

  async createInstance(serviceId: string, name: string, options: Record<string, unknown>, signal: AbortSignal): Promise<Instance> {
    this.enter('createInstance', signal);
    const svc = this.subscribedService(serviceId);
    if (!NAME_RE.test(name)) throw new UpstreamClientError('OSC refused the request', { status: 400 });
    if (this.instances.has(key(serviceId, name))) throw new UpstreamConflictError('OSC reported a conflict', { status: 409 });
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
    if (this.available - this.used < svc.tokensPerDay) throw new UpstreamClientError('OSC refused the request', { status: 403 });
    this.used += svc.tokensPerDay;
    const inst: FakeInstance = { serviceId, name, options: kept, startedAt: this.now(), logs: [`[info] ${name} is starting`] };
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
    return structuredClone(service);
  }

  private doc(svc: FakeService, inst: FakeInstance): Instance {
    const url = `https://${svc.serviceId}-${inst.name}.fake.osaas.io`;
    return {
      serviceId: svc.serviceId,
      name: inst.name,
      url,
      status: this.healthOf(inst),
      fields: { ...structuredClone(inst.options) },
      sensitive: svc.options.filter((o) => o.sensitive).map((o) => o.name),
    };
  }
}

const key = (serviceId: string, name: string) => `${serviceId}/${name}`;
