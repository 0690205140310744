/**
 * The HTTP application: the authorization server, the protected /mcp endpoint, health and
 * metrics, wired from ports the caller chose (main.ts and the tests pick the adapters).
 */
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { TokenStore } from './storage/store.js';
import type { Sealer } from './storage/seal.js';
import { createUpstreamRefresher, type UpstreamRefresher } from './osc/lifecycle/refresh.js';
import { createOscOAuthClient, type OscClientCredentials } from './osc/oauth-client.js';
import { oscOAuthUrls } from './osc/hosts.js';
import { createOscClientProvider } from './osc/lifecycle/client-registration.js';
import { endpointsFor, metadataRouter } from './oauth/metadata.js';
import { createCimdResolver, type CimdOptions } from './oauth/cimd.js';
import { createClientDirectory } from './oauth/clients.js';
import { createSafeFetcher } from './oauth/safe-fetch.js';
import { createJwksSource } from './oauth/jwks.js';
import { createAssertionVerifier } from './oauth/client-auth.js';
import { registerRouter, type Limiter } from './oauth/register.js';
import { authorizeRouter } from './oauth/authorize.js';
import { consentRouter } from './oauth/consent.js';
import { callbackRouter } from './oauth/callback.js';
import { tokenRouter } from './oauth/token.js';
import type { TokenLimits } from './oauth/limits.js';
import { apiBudget, pageBudget, type AnonymousLimits } from './oauth/anonymous.js';
import { revokeRouter } from './oauth/revoke.js';
import { connectionsRouter, finishSignIn } from './connections/router.js';
import { createBearer, credentialsFor } from './oauth/bearer.js';
import { canonicalResource } from './oauth/resource.js';
import { PAGE_CSS } from './http/page-headers.js';
import { staticTag } from './http/static-tag.js';
import { requestLog } from './http/request-log.js';
import { errorHandler, notFound } from './http/error-handler.js';
import { healthRouter } from './http/health.js';
import { createMetrics } from './http/metrics.js';
import { cors } from './http/cors.js';
import { originHostGuard } from './http/origin-host.js';
import { sameOriginForm } from './http/same-origin-form.js';
import { lazyHandler } from './http/lazy.js';
import { useOnOwnPaths } from './http/own-paths.js';
import { adoptPrototypes, messageClasses, type MessageClasses } from './http/message-classes.js';
import { createSatCache } from './osc/sat-cache.js';
import { SubscriptionCache } from './osc/subscription-cache.js';
import { createSdkPlatform } from './osc/sdk-platform.js';
import { grantCredentials } from './osc/lifecycle/grant-credentials.js';
import { secretEntryPort } from './secrets/entry.js';
import { secretPagesRouter } from './secrets/router.js';
import type { GrantRecord } from './storage/records.js';
import { withDefaults, type Defaults } from './defaults.js';

export interface AppDeps {
  publicUrl: string;
  oscEnvironment: string;
  oscEmulatorUrl?: string;
  oscClient?: OscClientCredentials;
  store: TokenStore;
  sealer: Sealer;
  log: Logger;
  accessTokenTtlS: number;
  refreshTokenTtlS: number;
  /** `register`: new registrations per address; `token`: per credential and failures per address (src/oauth/limits.ts). */
  limits: {
    register: Limiter;
    token: TokenLimits;
    toolCalls?: Limiter;
    instanceCreates?: Limiter;
    /** Per-address and total bounds on anonymous work (src/oauth/anonymous.ts). */
    anonymous: AnonymousLimits;
  };
  trustProxy?: string;
  /** Bearer token /metrics requires (METRICS_TOKEN); unset → open. */
  metricsToken?: string;
  cimd?: CimdOptions;
  /** Operating numbers to change (src/defaults.ts). */
  defaults?: Partial<Defaults>;
  now?: () => number;
  /** The classes the HTTP server builds requests and responses from (src/http/message-classes.ts); default: new ones. */
  messageClasses?: MessageClasses;
}

export interface App {
  app: Express;
  refresher: UpstreamRefresher;
}

export function createApp(deps: AppDeps): App {
  const { publicUrl, store, sealer, log } = deps;
  const now = deps.now ?? Date.now;
  const d = withDefaults(deps.defaults);
  const e = endpointsFor(publicUrl);
  const resource = canonicalResource(e.resource) ?? e.resource;
  const callbackUrl = `${publicUrl}/oauth/callback`;

  const oscOAuth = createOscOAuthClient(oscOAuthUrls(deps.oscEnvironment, deps.oscEmulatorUrl), {
    timeoutMs: d.oscOAuthTimeoutMs,
  });
  const oscClients = createOscClientProvider({
    store,
    oauth: oscOAuth,
    sealer,
    redirectUri: callbackUrl,
    configured: deps.oscClient,
    log,
    now,
    backoffMs: d.oscRegisterBackoffMs,
    backoffMaxMs: d.oscRegisterBackoffMaxMs,
  });
  const refresher = createUpstreamRefresher({
    store,
    sealer,
    oauth: oscOAuth,
    clients: oscClients,
    log,
    grantTtlS: deps.refreshTokenTtlS,
    lockTtlMs: d.refreshLockTtlMs,
    pollMs: d.refreshPollMs,
    waitMarginMs: d.refreshWaitMarginMs,
    now,
  });
  // One SSRF-safe fetcher for everything an outsider names: metadata documents and key sets.
  const fetcher = deps.cimd?.fetcher ?? createSafeFetcher(deps.cimd);
  const assertions = createAssertionVerifier({
    store,
    jwks: createJwksSource({ fetcher, now }),
    audiences: [e.issuer, e.token, e.revoke],
    now,
  });
  const clients = createClientDirectory(store, createCimdResolver({ ...deps.cimd, fetcher, now }), assertions);
  const lifetimes = { accessTokenTtlS: deps.accessTokenTtlS, refreshTokenTtlS: deps.refreshTokenTtlS };
  const metrics = createMetrics();
  const satCache = createSatCache();
  const subscriptionCache = new SubscriptionCache({ ttlMs: d.subscriptionCacheTtlMs });

  const app = express();
  adoptPrototypes(app, deps.messageClasses ?? messageClasses());
  app.disable('x-powered-by');
  // No ETag hashed from every body: the API answers are no-store and mostly errors, the pages
  // no-store; the two static documents (metadata, page.css) carry a tag computed once (issue 18).
  app.set('etag', false);
  app.set(
    'trust proxy',
    deps.trustProxy ? (/^\d+$/.test(deps.trustProxy) ? Number(deps.trustProxy) : deps.trustProxy) : false,
  );
  app.set('query parser', 'simple');
  app.use(requestLog(log));
  app.use(metrics.middleware);

  // CORS only where browser-based clients need it: discovery, registration, token,
  // revocation and /mcp; never on /authorize or the consent page (OAUTH-36).
  const apiCors = cors();
  // /mcp first: it is the hot path, and every router mounted before it is walked on every
  // call, valid or not (issue 18). No other route shares its path.
  const publicHost = new URL(publicUrl).host;
  app.use('/mcp', apiCors, originHostGuard({ publicUrl, allowedHosts: [publicHost] }));
  const bearer = createBearer({
    store,
    refresher,
    resource,
    resourceMetadataUrl: e.resourceMetadataUrl,
    log,
    now,
    toolCalls: deps.limits.toolCalls,
    hintEntries: d.accessHintEntries,
  });
  app.post('/mcp', bearer.check);
  const platformWith = (credentials: ReturnType<typeof credentialsFor>) =>
    createSdkPlatform({
      credentials,
      environment: deps.oscEnvironment,
      satCache,
      subscriptionCache,
      log,
      callTimeoutMs: d.upstreamCallTimeoutMs,
    });
  // The MCP SDK and the tools' schemas load with the first request to /mcp, not at boot
  // (issue 18: cold start); `all` keeps the path, so the route's own router sees /mcp.
  const mcpRoute = lazyHandler(async () => {
    const { createMcpRoute } = await import('./mcp/route.js');
    return createMcpRoute({
      platformFor: (auth) => platformWith(credentialsFor(auth)),
      secretEntryFor: (auth) =>
        secretEntryPort(
          { store, publicUrl, ttlS: d.secretEntryTtlS, viewTtlS: d.connectionViewTtlS, now },
          String(auth.extra?.grantId),
        ),
      resourceMetadataUrl: e.resourceMetadataUrl,
      log,
      admit: bearer.admit,
      limits: {
        instanceCreates: deps.limits.instanceCreates,
        toolDeadlineMs: d.toolDeadlineMs,
        buildWait: { pollMs: d.appBuildPollMs, maxMs: d.appBuildWaitMaxMs },
      },
    });
  });
  app.all('/mcp', mcpRoute);

  useOnOwnPaths(
    app,
    healthRouter(() => store.ping()),
  );
  useOnOwnPaths(app, metrics.router({ token: deps.metricsToken }));
  const cssTag = staticTag(PAGE_CSS);
  app.get('/assets/page.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=3600').set('ETag', cssTag).send(PAGE_CSS);
  });

  app.use(['/.well-known', '/register', '/token', '/revoke'], apiCors);
  // Anonymous work is bounded before any of it is done (src/oauth/anonymous.ts, FLOOD-01..06).
  const anonymous = deps.limits.anonymous;
  const records = { limits: anonymous, maxRecordBytes: d.maxAnonRecordBytes };
  app.use(['/register', '/token', '/revoke'], apiBudget(anonymous));
  app.use(['/authorize', '/consent', '/oauth/callback'], pageBudget(anonymous));
  const ownForm = sameOriginForm(publicUrl);
  app.post(['/consent', '/connections/revoke', '/connections/signout', '/secrets/enter/:id'], ownForm);
  useOnOwnPaths(app, metadataRouter(e));
  useOnOwnPaths(
    app,
    registerRouter({
      store,
      limiter: deps.limits.register,
      registrationsTotal: anonymous.registrationsTotal,
      fetcher,
      log,
      now,
    }),
  );
  useOnOwnPaths(
    app,
    authorizeRouter({ store, clients, issuer: e.issuer, resource, log, now, records, maxParamChars: d.maxParamChars }),
  );
  // What every browser sign-in through OSC shares: consent, the callback, /connections.
  const oscLeg = { store, oscOAuth, oscClients, callbackUrl, log, now };
  useOnOwnPaths(app, consentRouter({ ...oscLeg, issuer: e.issuer, pendingTtlS: d.pendingTtlS, records }));
  const connections = { ...oscLeg, clients, signInTtlS: d.signInTtlS, records };
  useOnOwnPaths(
    app,
    callbackRouter({
      ...oscLeg,
      sealer,
      issuer: e.issuer,
      pendingTtlS: d.pendingTtlS,
      codeTtlS: d.codeTtlS,
      onSignIn: (req, res, key, rec) => finishSignIn(connections, req, res, key, rec),
    }),
  );
  useOnOwnPaths(app, connectionsRouter(connections));
  useOnOwnPaths(
    app,
    secretPagesRouter({
      store,
      clients,
      connections,
      platformForGrant: (grant: GrantRecord) => platformWith(grantCredentials(refresher, grant)),
      log,
      callTimeoutMs: d.upstreamCallTimeoutMs,
      now,
    }),
  );
  useOnOwnPaths(
    app,
    tokenRouter({ store, clients, resource, lifetimes, limits: deps.limits.token, log, deriver: sealer, now }),
  );
  useOnOwnPaths(app, revokeRouter({ store, clients, log }));

  app.use(notFound);
  app.use(errorHandler(log));
  return { app, refresher };
}
