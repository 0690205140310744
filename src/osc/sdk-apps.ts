/**
 * `AppsPort` (./apps.ts) over OSC's deploy host, for sdk-platform.ts. The pinned SDK
 * (@osaas/client-core 0.20.0) has no My Apps calls, so these are direct calls
 * (upstream-http.ts: https on *.osaas.io only, no redirects, capped bodies), in the shapes of
 * src/emulator/README.md "My Apps": the deploy host with the PAT, build and runtime output on
 * the app runner's `/logs/<appId>` with that service's SAT.
 *
 * Round trips: list/get 1; create 1 (2 with a config store: its API key is read and passed on,
 * never shown); restart and each setter 1; logs 1 (a cold SAT adds the mint).
 */
import { z } from 'zod';
import { APP_RUNNER_SERVICE, secretRef, type App, type AppsPort, type BuildStatus } from './apps.js';
import type { InstanceLogs } from './platform.js';
import { retryRead } from './retry.js';
import type { OscSession } from './osc-session.js';
import { oscJson, oscText, type OscCall } from './upstream-http.js';

/** Bytes of build and runtime output kept from OSC (the tool trims further). */
const LOG_BYTES = 256 * 1024;

const AppDoc = z.looseObject({
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
  type: z.string().max(40).default('unknown'),
  gitUrl: z.string().max(4096).optional(),
  gitHubUrl: z.string().max(4096).optional(),
  url: z.string().max(4096).optional(),
  appDns: z.string().max(255).optional(),
  buildStatus: z.string().max(40).optional(),
  configService: z.string().max(200).nullish(),
  sourceRef: z.string().max(300).nullish(),
  subPath: z.string().max(300).nullish(),
});
const AppList = z.array(AppDoc).max(1000);
const StoreReply = z.looseObject({ isSecure: z.boolean().optional(), configApiKey: z.string().max(4096).optional() });

const STATUSES: readonly BuildStatus[] = ['building', 'running', 'failed', 'unknown'];

export function toApp(d: z.infer<typeof AppDoc>): App {
  const source = d.gitUrl ?? d.gitHubUrl ?? '';
  const status = (d.buildStatus ?? '').toLowerCase();
  const opt = (v: string | null | undefined) => (v ? v : undefined);
  return {
    id: d.id,
    name: d.name,
    type: d.type,
    // OSC echoes the ref after `#` in the URL; the ref is its own field here.
    gitUrl: source.split('#')[0] ?? '',
    sourceRef: opt(d.sourceRef),
    subPath: opt(d.subPath),
    configService: opt(d.configService),
    url: opt(d.url),
    appDns: opt(d.appDns),
    buildStatus: (STATUSES as readonly string[]).includes(status) ? (status as BuildStatus) : 'unknown',
  };
}

export function createSdkApps(s: OscSession): AppsPort {
  const deploy = (path: string) => new URL(path, `https://deploy.svc.${s.env}.osaas.io`);
  const appPath = (id: string, tail = '') => `/myapps/${encodeURIComponent(id)}${tail}`;
  const pat = (signal: AbortSignal, call: Omit<OscCall, 'headers' | 'signal'>) =>
    s.withPat((p) =>
      s.bounded(signal, (cs) => oscJson({ ...call, headers: { 'x-pat-jwt': `Bearer ${p}` }, signal: cs })),
    );
  const one = async (signal: AbortSignal, call: Omit<OscCall, 'headers' | 'signal'>) =>
    toApp(AppDoc.parse(await pat(signal, call)));
  /** The store's API key, so the app can read its secret values; undefined for a plain store. */
  const storeKey = async (store: string, signal: AbortSignal) =>
    StoreReply.parse(
      await retryRead(
        () => pat(signal, { method: 'GET', url: deploy(`/parameter-stores/${encodeURIComponent(store)}`) }),
        { signal },
      ),
    ).configApiKey;

  return {
    async listApps(signal) {
      return AppList.parse(
        (await retryRead(() => pat(signal, { method: 'GET', url: deploy('/myapps') }), { signal })) ?? [],
      ).map(toApp);
    },

    async getApp(id, signal) {
      return toApp(
        AppDoc.parse(await retryRead(() => pat(signal, { method: 'GET', url: deploy(appPath(id)) }), { signal })),
      );
    },

    async createApp(app, signal) {
      const configApiKey = app.configService ? await storeKey(app.configService, signal) : undefined;
      return one(signal, {
        method: 'POST',
        url: deploy('/myapps'),
        json: {
          name: app.name,
          type: app.type,
          gitUrl: app.gitUrl,
          ...(app.sourceRef ? { sourceRef: app.sourceRef } : {}),
          ...(app.subPath ? { subPath: app.subPath } : {}),
          ...(app.configService ? { configService: app.configService } : {}),
          ...(configApiKey ? { configApiKey } : {}),
          ...(app.gitCredential ? { gitToken: secretRef(app.gitCredential) } : {}),
        },
      });
    },

    async restartApp(id, rebuild, signal) {
      return one(signal, { method: 'PUT', url: deploy(appPath(id, rebuild ? '?rebuild=true' : '')) });
    },

    async setAppSourceRef(id, sourceRef, signal) {
      return one(signal, { method: 'PATCH', url: deploy(appPath(id, '/source-ref')), json: { sourceRef } });
    },

    async setAppConfigStore(id, store, signal) {
      const configApiKey = store ? await storeKey(store, signal) : undefined;
      return one(signal, {
        method: 'PATCH',
        url: deploy(appPath(id, '/config')),
        json: { configService: store, ...(configApiKey ? { configApiKey } : {}) },
      });
    },

    async setAppGitCredential(id, secretName, signal) {
      return one(signal, {
        method: 'PATCH',
        url: deploy(appPath(id, '/git-token')),
        json: { gitToken: secretName ? secretRef(secretName) : null },
      });
    },

    async deleteApp(id, signal) {
      await pat(signal, { method: 'DELETE', url: deploy(appPath(id)) });
    },

    async readAppLogs(id, signal): Promise<InstanceLogs> {
      const url = new URL(
        `/logs/${encodeURIComponent(id)}`,
        `https://api-${APP_RUNNER_SERVICE}.auto.${s.env}.osaas.io`,
      );
      const got = await retryRead(
        () =>
          s.withSat(APP_RUNNER_SERVICE, signal, (sat) =>
            s.bounded(signal, (cs) =>
              oscText({ method: 'GET', url, headers: { 'x-jwt': `Bearer ${sat}` }, signal: cs }, LOG_BYTES),
            ),
          ),
        { signal },
      );
      return { text: got.text, truncated: got.truncated };
    },
  };
}
