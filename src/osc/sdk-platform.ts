/**
 * `OscPlatform` over the unmodified `@osaas/client-core` 0.20.0, the only file that imports
 * it. One instance per MCP request (it memoizes the subscription list for that request, and
 * reads it from the per-grant cache when the app gives one).
 *
 * Where the SDK serves: the catalog read (`listSubscriptions`), subscribing
 * (`Context.activateService`) and `removeInstance`. Where it does not, we call the same OSC
 * URLs directly (upstream-http.ts), and say why:
 * - SATs: `getServiceAccessToken` subscribes the user when unsubscribed (a side effect no
 *   read may have) and drops `expiry`, which the cache needs (src/emulator/README.md).
 * - list/get/create: the SDK re-reads `/mysubscriptions` inside each call; we already
 *   hold the record (for `apiUrl` and the `sensitive` flags), so calling through the SDK
 *   would cost a third round trip. `getInstance` also turns every 5xx into "absent".
 * - health/logs/restart: the SDK's `getInstanceLink` costs three extra GETs, logs are read
 *   unbounded, and restart has no fallback path. We use the API paths the SDK falls back
 *   to (`/health/<name>`, `/logs/<name>`) and `/restart/<name>` (src/emulator/README.md).
 * - plan and balance: the SDK has no call for `money.svc` (src/emulator/README.md).
 *
 * Round trips per tool call, steady state (PAT fresh, SAT cached, the grant's subscription
 * list cached for 30 s by the app, ./subscription-cache.ts) — UPSTREAM counters in
 * test/integration/mcp/round-trips.test.ts (without the cache) and
 * subscription-cache.test.ts (with it):
 *   list_services, describe_service: 0 (1 when the list is not cached: GET /mysubscriptions)
 *   list_instances, get_instance, read_logs, restart_instance: 1 (2 uncached — OSC gives a
 *     service's API host and schema only in /mysubscriptions);
 *   create_instance: 1 (2 uncached), plus one health GET per second while `wait` polls;
 *   delete_instance: 2 — the SDK's `removeInstance` does its own GET /mysubscriptions first,
 *     cache or not (OSC's SDK does not let us pass the record it reads);
 *   token_balance: 2 (plan and balance, in parallel: two OSC endpoints);
 *   secrets (list, save, delete): 1 on the deploy host with the PAT (save: 2 when it replaces);
 *   endpoints: 3 in parallel (document, /ports, /internal-endpoint) + the catalog when uncached;
 *   update: 1 PATCH (+ catalog); config get/set/list: 2 (the store's address, then its API).
 * A cold SAT adds one POST /servicetoken; a refresh adds the OAuth round trip.
 */
import { Context, listSubscriptions, removeInstance } from '@osaas/client-core';
import type { ConfigEntry, Instance, InstanceHealth, InstanceLogs, OscPlatform, Service } from './platform.js';
import type { AppsPort } from './apps.js';
import {
  UpdateNotSupportedError,
  UpstreamBadResponseError,
  UpstreamError,
  UpstreamNotFoundError,
  ServiceNotSubscribedError,
  UpstreamConflictError,
} from '../errors.js';
import { isOscUrl } from './hosts.js';
import { retryRead } from './retry.js';
import { OscSession, type SessionDeps } from './osc-session.js';
import { toUpstreamErrorUnlessOurs } from './upstream-errors.js';
import { oscJson, oscSend, oscText } from './upstream-http.js';
import { createSdkApps } from './sdk-apps.js';
import {
  ConfigItem,
  ConfigListReply,
  HealthReply,
  InstanceDoc,
  InstanceList,
  InternalEndpointReply,
  PlanReply,
  PortsReply,
  SecretList,
  TokenCountReply,
  toHealth,
  toInstance,
  toService,
  type ServiceRecord,
} from './upstream-schemas.js';
import type { z } from 'zod';

export type SdkPlatformDeps = SessionDeps;

/** Bytes of log text kept from OSC (the tool trims further, to 64 KB / 500 lines). */
const LOG_BYTES = 256 * 1024;

export function createSdkPlatform(deps: SdkPlatformDeps): OscPlatform {
  const s = new OscSession(deps);
  const ctx = (pat: string) => new Context({ personalAccessToken: pat, environment: s.env });
  const read = <T>(signal: AbortSignal, op: () => Promise<T>) => retryRead(op, { signal });

  const all = (signal: AbortSignal) => s.subscriptions(signal, (pat) => listSubscriptions(ctx(pat)));
  const record = async (serviceId: string, signal: AbortSignal): Promise<ServiceRecord> => {
    let r = (await all(signal)).find((x) => x.serviceId === serviceId);
    // A cached list may predate a subscription made in the OSC console: ask OSC before saying no.
    if (!r && s.cachedSubs) {
      s.invalidate();
      r = (await all(signal)).find((x) => x.serviceId === serviceId);
    }
    if (!r) throw new ServiceNotSubscribedError(serviceId);
    return r;
  };
  /** The service API base; only https on an OSC host, whatever the catalog says (EGRESS-02). */
  const api = (r: ServiceRecord): URL => {
    const url = r.apiUrl ? new URL(r.apiUrl) : undefined;
    if (url?.protocol !== 'https:' || !url.hostname.endsWith('.osaas.io')) {
      throw new UpstreamBadResponseError('OSC listed the service without a usable API address');
    }
    return url;
  };
  const instanceUrl = (r: ServiceRecord, name: string) =>
    new URL(`${api(r).href.replace(/\/+$/, '')}/${encodeURIComponent(name)}`);
  const opUrl = (r: ServiceRecord, op: 'health' | 'logs' | 'restart' | 'ports' | 'internal-endpoint', name: string) =>
    new URL(`/${op}/${encodeURIComponent(name)}`, `https://${api(r).host}`);
  const jwt = (sat: string) => ({ 'x-jwt': `Bearer ${sat}` });
  const patHeader = (pat: string) => ({ 'x-pat-jwt': `Bearer ${pat}` });
  /** A deploy-host call with the PAT (service secrets, parameter stores: src/emulator/README.md). */
  const deploy = (signal: AbortSignal, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, json?: unknown) =>
    s.withPat((pat) =>
      s.bounded(signal, (cs) =>
        oscJson({ method, url: new URL(path, s.host('deploy')), headers: patHeader(pat), json, signal: cs }),
      ),
    );
  const seg = encodeURIComponent;
  /**
   * A parameter store's own API base: the `url` of its config-service instance (src/emulator/README.md,
   * "Parameter stores"), held to https on an OSC host like every address OSC names (EGRESS-02).
   * The instance API address follows OSC's `api-<serviceId>.auto.<env>` rule, so a store
   * works whether or not the workspace lists the config service among its subscriptions.
   */
  const storeBase = async (store: string, signal: AbortSignal): Promise<URL> => {
    const apiBase = `https://api-${CONFIG_SVC}.auto.${s.env}.osaas.io/app-config-svcinstance/${seg(store)}`;
    const doc = await read(signal, () =>
      s.withSat(CONFIG_SVC, signal, (sat) =>
        s.bounded(signal, (cs) => oscJson({ method: 'GET', url: new URL(apiBase), headers: jwt(sat), signal: cs })),
      ),
    );
    const url = InstanceDoc.parse(doc).url;
    const base = url ? new URL(url) : undefined;
    if (!base || !isOscUrl(base)) throw new UpstreamBadResponseError('OSC gave the parameter store no usable address');
    return base;
  };
  const configCall = async (
    store: string,
    signal: AbortSignal,
    method: 'GET' | 'POST',
    path: string,
    json?: unknown,
  ) => {
    const base = await storeBase(store, signal);
    const call = () =>
      s.withSat(CONFIG_SVC, signal, (sat) =>
        s.bounded(signal, (cs) => oscJson({ method, url: new URL(path, base), headers: jwt(sat), json, signal: cs })),
      );
    return method === 'GET' ? read(signal, call) : call();
  };

  // Two sources rather than `{ ...createSdkApps(s), … }`: V8 builds an object literal that
  // starts with a spread and goes on with fifty methods some 40 µs slower, on every request
  // (issue 18, bench/README.md "Where the CPU goes").
  return guarded(createSdkApps(s), {
    async listServices(signal): Promise<Service[]> {
      return (await all(signal)).map(toService);
    },

    async describeService(serviceId, signal): Promise<Service> {
      return toService(await record(serviceId, signal));
    },

    async listInstances(serviceId, signal): Promise<Instance[]> {
      const r = await record(serviceId, signal);
      const body = await read(signal, () =>
        s.withSat(serviceId, signal, async (sat) =>
          s.bounded(signal, (cs) => oscJson({ method: 'GET', url: api(r), headers: jwt(sat), signal: cs })),
        ),
      );
      return InstanceList.parse(body ?? []).map((d) => toInstance(r, d));
    },

    async getInstance(serviceId, name, signal): Promise<Instance> {
      const r = await record(serviceId, signal);
      const body = await read(signal, () =>
        s.withSat(serviceId, signal, (sat) =>
          s.bounded(signal, (cs) =>
            oscJson({ method: 'GET', url: instanceUrl(r, name), headers: jwt(sat), signal: cs }),
          ),
        ),
      );
      return toInstance(r, InstanceDoc.parse(body));
    },

    async subscribe(serviceId, signal): Promise<Service> {
      // The only place that subscribes the workspace (docs/architecture.md, "The MCP endpoint"; src/emulator/README.md).
      await s.withPat((pat) => s.sdk(signal, () => ctx(pat).activateService(serviceId)));
      s.invalidate();
      return toService(await record(serviceId, signal));
    },

    async createInstance(serviceId, name, options, signal): Promise<Instance> {
      const r = await record(serviceId, signal);
      // Never retried: after a 5xx or a timeout the instance may exist (UPSTREAM-09). A 401
      // is retried once with a new SAT inside withSat: OSC refused it, nothing was created.
      const body = await s.withSat(serviceId, signal, (sat) =>
        s.bounded(signal, (cs) =>
          oscJson({ method: 'POST', url: api(r), headers: jwt(sat), json: { ...options, name }, signal: cs }),
        ),
      );
      return toInstance(r, InstanceDoc.parse(body));
    },

    async deleteInstance(serviceId, name, signal): Promise<void> {
      // The SDK builds `apiUrl + '/' + name` unencoded: only names that need no encoding.
      if (!/^[a-z0-9]{1,64}$/.test(name)) throw new RangeError('invalid instance name');
      // Both tokens travel in this one SDK call, so a 401 cannot be told apart: withSat
      // re-mints the SAT, and the mint itself refreshes a PAT OSC no longer accepts.
      await s.withSat(serviceId, signal, async (sat) => {
        const pat = await s.pat();
        await s
          .sdk(signal, () => removeInstance(ctx(pat), serviceId, name, sat))
          .catch((err: unknown) => {
            // The SDK's only plain Error here is its subscription check (core.js getService).
            if (err instanceof Error && !(err instanceof UpstreamError)) throw new ServiceNotSubscribedError(serviceId);
            throw err;
          });
      });
    },

    async restartInstance(serviceId, name, signal): Promise<void> {
      const r = await record(serviceId, signal);
      await s.withSat(serviceId, signal, (sat) =>
        s.bounded(signal, (cs) =>
          oscSend({ method: 'POST', url: opUrl(r, 'restart', name), headers: jwt(sat), signal: cs }),
        ),
      );
    },

    async instanceHealth(serviceId, name, signal): Promise<InstanceHealth> {
      const r = await record(serviceId, signal);
      const body = await read(signal, () =>
        s.withSat(serviceId, signal, (sat) =>
          s.bounded(signal, (cs) =>
            oscJson({ method: 'GET', url: opUrl(r, 'health', name), headers: jwt(sat), signal: cs }),
          ),
        ),
      );
      return { status: toHealth(HealthReply.parse(body).status) };
    },

    async readLogs(serviceId, name, signal): Promise<InstanceLogs> {
      const r = await record(serviceId, signal);
      const got = await read(signal, () =>
        s.withSat(serviceId, signal, (sat) =>
          s.bounded(signal, (cs) =>
            oscText({ method: 'GET', url: opUrl(r, 'logs', name), headers: jwt(sat), signal: cs }, LOG_BYTES),
          ),
        ),
      );
      // JSON logs are an array of lines (src/emulator/README.md ("logs")); a cut array is read as text.
      if (got.contentType.includes('json') && !got.truncated) {
        const lines: unknown = JSON.parse(got.text || '[]');
        if (Array.isArray(lines)) return { text: lines.map(String).join('\n'), truncated: false };
      }
      return { text: got.text, truncated: got.truncated };
    },

    async listSecrets(serviceId, signal) {
      const body = await read(signal, () => deploy(signal, 'GET', `/mysecrets/${seg(serviceId)}`));
      return SecretList.parse(body ?? []).map((x) => x.secretName);
    },

    async saveSecret(serviceId, secretName, value, signal) {
      // Create, or replace when it exists (409). The value is in the request body only; an
      // error carries OSC's reply text in `detail`, never our request (./upstream-http.ts).
      try {
        await deploy(signal, 'POST', `/mysecrets/${seg(serviceId)}`, { secretName, secretData: value });
      } catch (err) {
        if (!(err instanceof UpstreamConflictError)) throw err;
        await deploy(signal, 'PUT', `/mysecrets/${seg(serviceId)}/${seg(secretName)}`, { secretData: value });
      }
    },

    async deleteSecret(serviceId, secretName, signal) {
      await deploy(signal, 'DELETE', `/mysecrets/${seg(serviceId)}/${seg(secretName)}`);
    },

    async instanceEndpoints(serviceId, name, signal) {
      const r = await record(serviceId, signal);
      const get = (url: URL) =>
        read(signal, () =>
          s.withSat(serviceId, signal, (sat) =>
            s.bounded(signal, (cs) => oscJson({ method: 'GET', url, headers: jwt(sat), signal: cs })),
          ),
        );
      const [doc, ports, internal] = await Promise.all([
        get(instanceUrl(r, name)),
        get(opUrl(r, 'ports', name)),
        get(opUrl(r, 'internal-endpoint', name)),
      ]);
      const i = InternalEndpointReply.parse(internal ?? {});
      return {
        url: InstanceDoc.parse(doc).url,
        external: PortsReply.parse(ports ?? []).map((p) => ({
          ip: p.externalIp,
          port: p.externalPort,
          internalPort: p.internalPort,
        })),
        internalDns: i.serviceDns,
        internalPorts: i.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
        publicAccess: i.publicAccess,
      };
    },

    async updateInstance(serviceId, name, options, signal) {
      const r = await record(serviceId, signal);
      // The instance's self link is `<apiUrl>/<name>` (src/emulator/README.md, instance document).
      try {
        const body = await s.withSat(serviceId, signal, (sat) =>
          s.bounded(signal, (cs) =>
            oscJson({ method: 'PATCH', url: instanceUrl(r, name), headers: jwt(sat), json: options, signal: cs }),
          ),
        );
        return toInstance(r, InstanceDoc.parse(body));
      } catch (err) {
        if (err instanceof UpstreamNotFoundError && isRouterNotFound(err.detail))
          throw new UpdateNotSupportedError(serviceId);
        throw err;
      }
    },

    async createConfigStore(name, signal) {
      await deploy(signal, 'POST', '/parameter-stores', { name });
    },

    async configStoreExists(name, signal) {
      // OSC answers this GET for any name; `isSecure` tells a real store (src/emulator/README.md).
      const body = await read(signal, () => deploy(signal, 'GET', `/parameter-stores/${seg(name)}`));
      return (body as { isSecure?: unknown } | undefined)?.isSecure === true;
    },

    async setConfig(store, key, value, signal) {
      return toEntry(ConfigItem.parse(await configCall(store, signal, 'POST', '/api/v1/config', { key, value })));
    },

    async getConfig(store, key, signal) {
      return toEntry(ConfigItem.parse(await configCall(store, signal, 'GET', `/api/v1/config/${seg(key)}`)));
    },

    async listConfig(store, offset, signal) {
      const page = ConfigListReply.parse(
        await configCall(store, signal, 'GET', `/api/v1/config?offset=${offset}&limit=100`),
      );
      return { items: page.items.map(toEntry), total: page.total, next: page.offset > 0 ? page.offset : undefined };
    },

    async tokenBalance(signal) {
      const money = (path: string) => (pat: string) =>
        s.bounded(signal, (cs) =>
          oscJson({
            method: 'GET',
            url: new URL(path, s.host('money')),
            headers: { 'x-pat-jwt': `Bearer ${pat}` },
            signal: cs,
          }),
        );
      // Each of the two reads retries on its own: one retry of both would repeat a read that
      // already succeeded, and under a brownout fail far more often (each try needs both to pass).
      const [plan, count] = await Promise.all([
        read(signal, () => s.withPat(money('/mytenantplan'))),
        read(signal, () => s.withPat((pat) => money('/mytokencount')(pat).catch(absentAsUndefined))),
      ]);
      const c = count === undefined ? undefined : TokenCountReply.parse(count);
      const remaining =
        c?.remainingTokens ??
        (c?.availableTokens !== undefined && c.tokenCount !== undefined ? c.availableTokens - c.tokenCount : undefined);
      return { plan: PlanReply.parse(plan).name, remaining, available: c?.availableTokens, used: c?.tokenCount };
    },
  });
}

const CONFIG_SVC = 'eyevinn-app-config-svc';

/** OSC's router answers an unknown route with its own 404 body, unlike the `{reason}` of a missing instance. */
function isRouterNotFound(detail: string | undefined): boolean {
  return detail !== undefined && /"error"\s*:\s*"Not Found"/.test(detail) && /Route PATCH/.test(detail);
}

/** A secret parameter's value is never shown, whatever OSC sent (we never send the store's API key). */
function toEntry(i: z.infer<typeof ConfigItem>): ConfigEntry {
  const secret = i.secret === true;
  return { key: i.key, value: secret ? '***' : String(i.value ?? ''), secret };
}

/**
 * Every failure leaves the port typed: zod and JSON failures become bad responses. The
 * port's methods: the apps part's, then the rest (which would replace one of the same name).
 */
function guarded(apps: AppsPort, rest: Omit<OscPlatform, keyof AppsPort>): OscPlatform {
  const out: Partial<Record<keyof OscPlatform, unknown>> = {};
  for (const p of [apps, rest] as Array<Partial<OscPlatform>>) {
    for (const key of Object.keys(p) as Array<keyof OscPlatform>) {
      const fn = p[key] as (...a: unknown[]) => Promise<unknown>;
      out[key] = (...args: unknown[]) =>
        fn(...args).catch((err: unknown) => Promise.reject(toUpstreamErrorUnlessOurs(err)));
    }
  }
  return out as OscPlatform;
}

/** `/mytokencount` is UNCONFIRMED (src/emulator/README.md): its absence is not an error. */
function absentAsUndefined(err: unknown): undefined {
  if (err instanceof UpstreamNotFoundError) return undefined;
  throw err;
}
