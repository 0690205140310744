/**
 * POST /consent: the user's decision (MCP SBP "Confused Deputy"; OAUTH-14…16, -37).
 * The CSRF token and the `__Host-` browser cookie must both match the pending request;
 * a mismatch answers 403 and leaves the pending request for the real user. Approve →
 * our own PKCE pair and `state` toward OSC, created only now (after consent), then 303 to
 * OSC. Deny → 303 to the client with `access_denied`.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { RecordStore, TokenStore } from '../storage/store.js';
import { sendUnavailablePageOrThrow } from '../http/unavailable.js';
import { hashSecret, timingSafeEqualStr } from '../storage/hash.js';
import type { PendingAuthorization, UpstreamAuthorization } from '../storage/records.js';
import { sendErrorPage } from '../http/page-headers.js';
import type { OscClientCredentials, OscOAuthClient } from '../osc/oauth-client.js';
import { startOscSignIn, type OscSignInDeps } from '../osc/lifecycle/sign-in.js';
import { DEFAULTS } from '../defaults.js';
import type { OscClientProvider } from '../osc/lifecycle/client-registration.js';
import { normalizeScopes } from './scopes.js';
import { redirectToClient } from './client-redirect.js';
import { browserHashOf } from './browser-binding.js';
import { reserveRecords, sendRefusalPage, type AnonymousRecords } from './anonymous.js';
import { oauthForm } from './form.js';

export interface ConsentDeps {
  store: TokenStore;
  oscOAuth: OscOAuthClient;
  oscClients: OscClientProvider;
  issuer: string;
  callbackUrl: string;
  log: Logger;
  /** Lifetime of our round trip through OSC (src/defaults.ts). */
  pendingTtlS?: number;
  /** Counts the upstream records approvals create (./anonymous.ts). */
  records?: AnonymousRecords;
  now?: () => number;
}

/**
 * Starts (or restarts) the round trip through OSC for an approved authorization and keeps
 * the client's request under the state's hash. Returns where to send the browser.
 */
export async function startUpstream(
  deps: OscSignInDeps & { store: RecordStore; pendingTtlS?: number },
  from: Omit<UpstreamAuthorization, 'oscCodeVerifier' | 'oscClientId' | 'createdAt'>,
  now: number,
  client?: OscClientCredentials,
): Promise<string> {
  const started = await startOscSignIn(deps, client);
  const rec: UpstreamAuthorization = {
    ...from,
    oscCodeVerifier: started.oscCodeVerifier,
    oscClientId: started.oscClientId,
    createdAt: now,
  };
  await deps.store.put('upstream', started.stateHash, rec, deps.pendingTtlS ?? DEFAULTS.pendingTtlS);
  return started.url;
}

export function consentRouter(deps: ConsentDeps): Router {
  const { store, issuer, log } = deps;
  const now = deps.now ?? Date.now;
  const router = express.Router();
  const form = oauthForm;

  router.get('/consent', function consentByGet(_req: Request, res: Response) {
    // An approval can never be a GET (OAUTH-14): nothing here changes state.
    res.set('Allow', 'POST');
    sendErrorPage(res, 405, 'Not allowed', 'Open the link your application gave you to start again.');
  });

  router.post('/consent', form, async function consent(req: Request, res: Response) {
    try {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const pendingId = typeof body.pending === 'string' ? body.pending : '';
      const csrf = typeof body.csrf === 'string' ? body.csrf : '';
      const pending = pendingId ? await store.get('pending', pendingId) : undefined;
      if (!pending)
        return sendErrorPage(
          res,
          400,
          'Request expired',
          'This authorization request is unknown or has expired. Start again from your application.',
        );
      const browser = browserHashOf(req);
      if (
        !csrf ||
        !browser ||
        !timingSafeEqualStr(hashSecret(csrf), pending.csrfHash) ||
        !timingSafeEqualStr(browser, pending.browserHash)
      ) {
        log.warn(
          { event: 'consent_csrf_rejected', clientId: pending.clientId },
          'consent POST without a matching CSRF token and cookie',
        );
        return sendErrorPage(
          res,
          403,
          'Request refused',
          'This form was not submitted from the page we showed you. Start again from your application.',
        );
      }
      const decision = body.decision;
      const chosen = normalizeScopes(
        ([] as unknown[]).concat(body.scope ?? []).filter((s): s is string => typeof s === 'string'),
      ).filter((s) => pending.scopes.includes(s));
      if (decision === 'approve' && chosen.length > 0) {
        // Our round trip through OSC is one more anonymous record (FLOOD-01).
        const refused = deps.records ? await reserveRecords(deps.records.limits, req) : undefined;
        if (refused) return sendRefusalPage(res, refused);
        const url = await startUpstream(deps, upstreamFrom(pending, chosen), now());
        if (!(await store.take('pending', pending.id)))
          return sendErrorPage(res, 400, 'Request expired', 'This authorization request was already answered.');
        log.info({ event: 'consent_approved', clientId: pending.clientId, scopes: chosen }, 'consent approved');
        res.set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer').redirect(303, url);
        return;
      }
      if (!(await store.take('pending', pending.id)))
        return sendErrorPage(res, 400, 'Request expired', 'This authorization request was already answered.');
      log.info({ event: 'consent_denied', clientId: pending.clientId }, 'consent denied');
      redirectToClient(res, pending.redirectUri, issuer, {
        error: 'access_denied',
        error_description: 'the user denied the request',
        state: pending.state,
      });
    } catch (err) {
      sendUnavailablePageOrThrow(res, err, 'We could not reach a service we depend on. Please try again in a moment.');
    }
  });
  return router;
}

/** The client's request carried on, with the scopes the user left checked. */
function upstreamFrom(
  p: PendingAuthorization,
  scopes: string[],
): Omit<UpstreamAuthorization, 'oscCodeVerifier' | 'oscClientId' | 'createdAt'> {
  const { id, csrfHash: _csrf, createdAt: _at, ...request } = p;
  return { ...request, scopes, pendingId: id };
}
