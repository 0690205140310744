/**
 * `startEmulator(options)`: one HTTP server that plays every OSC host, routing on the
 * `Host` header (hosts.ts). `/__emulator/*` knobs answer on any host. Platform requests
 * (catalog, token, money, deploy, service APIs) count in `stats.apiCalls`; every request
 * but the knobs is logged (method, host, path, query; no headers).
 */
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { classify } from './hosts.js';
import { json, oauthError, send } from './reply.js';
import { adminRouter } from './routes/admin.js';
import { catalogRouter } from './routes/catalog.js';
import { deployRouter } from './routes/deploy.js';
import { instanceHostRouter } from './routes/instance-host.js';
import { instancesRouter } from './routes/instances.js';
import { moneyRouter } from './routes/money.js';
import { oauthRouter } from './routes/oauth.js';
import { tokenRouter } from './routes/token-svc.js';
import { EmulatorState, type EmulatorOptions } from './state.js';
import { findUser } from './users.js';

export interface StartOptions {
  port?: number;
  host?: string;
  accessTokenTtlS?: number;
  refreshTokenTtlS?: number;
  /** Lifetime of dynamically registered clients; default 86400 s (one day). */
  dcrClientTtlS?: number;
  /** A demo user id: OSC's sign-in and consent pass without a page. */
  autoConsent?: string;
  satTtlS?: number;
  /** How long a new or restarted instance reports `starting`; default 1500 ms. */
  instanceStartMs?: number;
  /** Start delay per service id (e.g. databases), overriding `instanceStartMs`. */
  serviceStartMs?: Record<string, number>;
  /** How long a deleted My App's name stays taken; default 60 000 ms. */
  appNameHoldMs?: number;
  /** How long a restart is accepted before the build flips to `building`; default 0. */
  appBuildQueueMs?: number;
  /** How long a rebuilt My App answers 404 while its instance is recreated; default 0. */
  appRebuildGoneMs?: number;
}

export interface RunningEmulator {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULTS: EmulatorOptions = {
  accessTokenTtlS: 3600,
  refreshTokenTtlS: 7200,
  dcrClientTtlS: 86_400,
  satTtlS: 3600,
  instanceStartMs: 1500,
  serviceStartMs: {},
  appNameHoldMs: 60_000,
  appBuildQueueMs: 0,
  appRebuildGoneMs: 0,
};

export function createEmulatorApp(state: EmulatorState): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use('/__emulator', express.text({ type: () => true, limit: '64mb' }), adminRouter(state));
  app.use(express.text({ type: () => true, limit: '1mb' }));
  const routers = {
    oauth: oauthRouter(state),
    catalog: catalogRouter(state),
    token: tokenRouter(state),
    money: moneyRouter(state),
    deploy: deployRouter(state),
    instances: instancesRouter(state),
    'instance-host': instanceHostRouter(state),
    'app-domain': instanceHostRouter(state),
  };
  app.use((req, res, next) => {
    const q = req.originalUrl.indexOf('?');
    state.logRequest({
      method: req.method,
      host: req.headers.host ?? '',
      path: q >= 0 ? req.originalUrl.slice(0, q) : req.originalUrl,
      query: q >= 0 ? req.originalUrl.slice(q + 1) : '',
    });
    const h = classify(req.headers.host);
    if (h.kind !== 'oauth') state.stats.apiCalls += 1;
    if (h.kind === 'unknown-svc') return send(res, json(404, { reason: 'Unknown service host' }));
    routers[h.kind](req, res, next);
  });
  app.use((req: Request, res: Response) => {
    const h = classify(req.headers.host);
    send(
      res,
      h.kind === 'oauth' ? oauthError(404, 'not_found', 'No such endpoint') : json(404, { reason: 'Not found' }),
    );
  });
  // Bad input never crashes the emulator nor shows a stack (body too large, bad charset…).
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    const h = classify(req.headers.host);
    const message = status >= 500 ? 'Internal emulator error' : 'Bad request';
    send(
      res,
      h.kind === 'oauth'
        ? oauthError(status, status >= 500 ? 'server_error' : 'invalid_request', message)
        : json(status, { reason: message }),
    );
  });
  return app;
}

export async function startEmulator(options: StartOptions = {}): Promise<RunningEmulator> {
  if (options.autoConsent !== undefined && !findUser(options.autoConsent)) {
    throw new Error(`autoConsent: unknown demo user "${options.autoConsent}"`);
  }
  const state = new EmulatorState({
    accessTokenTtlS: options.accessTokenTtlS ?? DEFAULTS.accessTokenTtlS,
    refreshTokenTtlS: options.refreshTokenTtlS ?? DEFAULTS.refreshTokenTtlS,
    dcrClientTtlS: options.dcrClientTtlS ?? DEFAULTS.dcrClientTtlS,
    satTtlS: options.satTtlS ?? DEFAULTS.satTtlS,
    instanceStartMs: options.instanceStartMs ?? DEFAULTS.instanceStartMs,
    serviceStartMs: { ...(options.serviceStartMs ?? DEFAULTS.serviceStartMs) },
    appNameHoldMs: options.appNameHoldMs ?? DEFAULTS.appNameHoldMs,
    appBuildQueueMs: options.appBuildQueueMs ?? DEFAULTS.appBuildQueueMs,
    appRebuildGoneMs: options.appRebuildGoneMs ?? DEFAULTS.appRebuildGoneMs,
    autoConsent: options.autoConsent,
  });
  const app = createEmulatorApp(state);
  const server = app.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Hung requests (faults) and idle keep-alive sockets must not hold close() open.
        server.closeAllConnections();
      }),
  };
}
