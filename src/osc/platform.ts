/**
 * The OSC platform port: what tools may do in the signed-in user's workspace (
 * §4.2; docs/architecture.md, "The two OAuth legs"). Tools see this interface only: never a token, never the SDK,
 * never a URL. The workspace always comes from the verified grant behind the adapter,
 * never from an argument (MCP-03).
 *
 * Every method takes an AbortSignal (the tool's deadline and the client's disconnect,
 * UPSTREAM-10/MCP-09) and fails with an `UpstreamError` (./errors.ts), `ServiceNotSubscribedError`,
 * `GrantRevokedError` or `UpstreamUnavailableError` (./credentials.ts).
 */
import type { AppsPort } from './apps.js';

/** One configurable option of a service (`serviceInstanceOptions[]`, src/emulator/README.md). */
export interface ServiceOption {
  name: string;
  label?: string;
  description?: string;
  /** 'string' | 'boolean' | 'enum' | 'list' in today's catalog; kept open for new kinds. */
  type: string;
  mandatory: boolean;
  enums?: string[];
  regexValidator?: string;
  default?: string;
  /** The catalog flags the value as a credential: never shown back to a model. */
  sensitive: boolean;
}

export interface Service {
  serviceId: string;
  title: string;
  description?: string;
  category?: string;
  documentationUrl?: string;
  /** What one instance is called, e.g. "minio". */
  instanceNoun?: string;
  /** 'instance' or 'job'. */
  serviceType?: string;
  /** Human price hint from the catalog, e.g. "3 tokens/day". */
  pricing?: string;
  options: ServiceOption[];
}

/**
 * An instance document as OSC returned it, not yet redacted. `fields` carries the
 * service's options echoed back, cleartext credentials included (src/emulator/README.md "Instance
 * document"): the MCP layer redacts before a model sees anything (src/mcp/redact.ts).
 */
export interface Instance {
  serviceId: string;
  name: string;
  url?: string;
  status?: string;
  fields: Record<string, unknown>;
  /** Option names the catalog flags `sensitive` for this service. */
  sensitive: readonly string[];
}

export type HealthStatus = 'starting' | 'running' | 'stopped' | 'failed' | 'unknown';

export interface InstanceHealth {
  status: HealthStatus;
}

export interface InstanceLogs {
  /** Raw log text, at most the adapter's byte cap (the most recent part when cut). */
  text: string;
  /** True when OSC sent more than the cap and the adapter kept only the tail. */
  truncated: boolean;
}

export interface Balance {
  /** Plan name, e.g. FREE, PERSONAL, PROFESSIONAL (src/emulator/README.md). */
  plan: string;
  /** Tokens left to spend; undefined when OSC did not say. */
  remaining?: number;
  /** Tokens granted in the current period, when OSC says. */
  available?: number;
  /** Tokens spent so far, when OSC says. */
  used?: number;
}

/** How other programs reach an instance (src/emulator/README.md, `/ports` and `/internal-endpoint`). No credentials. */
export interface InstanceEndpoints {
  /** The instance's public HTTPS address, when it has one. */
  url?: string;
  /** TCP ports OSC exposes outside the workspace (empty when none, or public access is off). */
  external: Array<{ ip: string; port: number; internalPort: number }>;
  /** The DNS name other instances of the same workspace use. */
  internalDns?: string;
  internalPorts: Array<{ name: string; port: number; protocol: string }>;
  publicAccess: boolean;
}

/** One parameter of a config store; a secret one's value is always `***` here (never read). */
export interface ConfigEntry {
  key: string;
  value: string;
  secret: boolean;
}

export interface ConfigPage {
  items: ConfigEntry[];
  total: number;
  /** Cursor for the next page; undefined at the end. */
  next?: number;
}

export interface OscPlatform extends AppsPort {
  /** Services the workspace is subscribed to (the only catalog a PAT can read). */
  listServices(signal: AbortSignal): Promise<Service[]>;
  describeService(serviceId: string, signal: AbortSignal): Promise<Service>;
  listInstances(serviceId: string, signal: AbortSignal): Promise<Instance[]>;
  getInstance(serviceId: string, name: string, signal: AbortSignal): Promise<Instance>;
  /**
   * Subscribes the workspace to a service and returns its record. A write with a
   * possible fee: only `create_instance` calls it (reads never subscribe, src/emulator/README.md).
   */
  subscribe(serviceId: string, signal: AbortSignal): Promise<Service>;
  /**
   * Creates an instance of a subscribed service. Never retried: a failure after the
   * request left may have created it anyway (src/emulator/README.md, 504 while provisioning).
   */
  createInstance(
    serviceId: string,
    name: string,
    options: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<Instance>;
  deleteInstance(serviceId: string, name: string, signal: AbortSignal): Promise<void>;
  restartInstance(serviceId: string, name: string, signal: AbortSignal): Promise<void>;
  instanceHealth(serviceId: string, name: string, signal: AbortSignal): Promise<InstanceHealth>;
  readLogs(serviceId: string, name: string, signal: AbortSignal): Promise<InstanceLogs>;
  tokenBalance(signal: AbortSignal): Promise<Balance>;

  /** Secret names of a service in the workspace; OSC never returns values. */
  listSecrets(serviceId: string, signal: AbortSignal): Promise<string[]>;
  /**
   * Creates or replaces a service secret. The value goes to OSC and nowhere else: not
   * logged, not kept, not in an error (src/osc/sdk-platform.ts). Never called with a value a model saw
   * except by create_database's generated password, which no model sees either.
   */
  saveSecret(serviceId: string, secretName: string, value: string, signal: AbortSignal): Promise<void>;
  deleteSecret(serviceId: string, secretName: string, signal: AbortSignal): Promise<void>;
  instanceEndpoints(serviceId: string, name: string, signal: AbortSignal): Promise<InstanceEndpoints>;
  /**
   * Changes options of an existing instance; it restarts. `UpdateNotSupportedError` when the
   * service takes no updates (src/emulator/README.md, PATCH row). Never retried (a write).
   */
  updateInstance(
    serviceId: string,
    name: string,
    options: Record<string, string>,
    signal: AbortSignal,
  ): Promise<Instance>;
  /** Creates a parameter store (an `eyevinn-app-config-svc` instance). Its API key is never returned. */
  createConfigStore(name: string, signal: AbortSignal): Promise<void>;
  /** Whether a parameter store of that name exists. */
  configStoreExists(name: string, signal: AbortSignal): Promise<boolean>;
  /** Sets a plain (non-secret) parameter, creating or overwriting it. */
  setConfig(store: string, key: string, value: string, signal: AbortSignal): Promise<ConfigEntry>;
  getConfig(store: string, key: string, signal: AbortSignal): Promise<ConfigEntry>;
  listConfig(store: string, offset: number, signal: AbortSignal): Promise<ConfigPage>;
}
