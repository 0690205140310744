/**
 * `/connections` (docs/architecture.md, "Token lifecycle"): a user signs in through OSC, sees the applications connected
 * to their workspace and revokes any of them. We never keep the OSC token of this
 * sign-in: it only tells us who the user is (tenant and user claims).
 */
import express, { type Request, type Response, type Router } from 'express';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { TokenStore } from '../storage/store.js';
import { sendUnavailablePageOrThrow } from '../http/unavailable.js';
import { hashSecret, timingSafeEqualStr } from '../storage/hash.js';
import { userKeyOf, type SignInRecord } from '../storage/records.js';
import { patClaims } from '../osc/lifecycle/tokens.js';
import { sendErrorPage } from '../http/page-headers.js';
import type { OscOAuthClient } from '../osc/oauth-client.js';
import type { OscClientProvider } from '../osc/lifecycle/client-registration.js';
import type { ClientDirectory } from '../oauth/clients.js';
import { bindBrowser } from '../oauth/browser-binding.js';
import { newPkcePair } from '../oauth/pkce.js';
import { endSession, issueCsrf, readSession, startSession } from './session.js';
import { renderConnections, type ConnectionView } from './page.js';

const SIGNIN_TTL_S = 600;

export interface ConnectionsDeps {
  store: TokenStore;
  clients: ClientDirectory;
  oscOAuth: OscOAuthClient;
  oscClients: OscClientProvider;
  callbackUrl: string;
  log: Logger;
  now?: () => number;
}

/** Completes a /connections sign-in at our OSC callback. Returns the page to go to. */
export async function finishSignIn(deps: ConnectionsDeps, res: Response, rec: SignInRecord, code: string): Promise<void> {
  const now = deps.now ?? Date.now;
  const client = await deps.oscClients.byId(rec.oscClientId);
  if (!client) return sendErrorPage(res, 400, 'Sign-in expired', 'Please open /connections again.');
  const tokens = await deps.oscOAuth.exchangeCode({ client, code, codeVerifier: rec.oscCodeVerifier, redirectUri: deps.callbackUrl });
  const claims = patClaims(tokens.accessToken);
  if (!claims.tenantId) return sendErrorPage(res, 502, 'Sign-in failed', 'OSC returned an unexpected answer. Please try again later.');
  await startSession(deps.store, res, { tenantId: claims.tenantId, userId: claims.userId ?? claims.tenantId }, now());
  deps.log.info({ event: 'connections_signed_in', tenantId: claims.tenantId }, 'signed in to /connections');
  res.set('Cache-Control', 'no-store').redirect(303, '/connections');
}

export function connectionsRouter(deps: ConnectionsDeps): Router {
  const { store, clients, oscOAuth, oscClients, callbackUrl, log } = deps;
  const now = deps.now ?? Date.now;
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 });

  router.get('/connections', async function connections(req: Request, res: Response) {
    try {
      const session = await readSession(store, req);
      if (!session) {
        // Who is asking is known only after OSC's sign-in.
        const oscClient = await oscClients.current();
        const pkce = newPkcePair();
        const state = randomBytes(32).toString('base64url');
        const rec: SignInRecord = { browserHash: bindBrowser(req, res), oscCodeVerifier: pkce.verifier, oscClientId: oscClient.clientId, createdAt: now() };
        await store.put('signin', hashSecret(state), rec, SIGNIN_TTL_S);
        return res.set('Cache-Control', 'no-store').redirect(303, oscOAuth.authorizeUrl({ client: oscClient, state, codeChallenge: pkce.challenge, redirectUri: callbackUrl }));
      }
      const { tenantId, userId } = session.record;
      const views: ConnectionView[] = [];
      for (const id of await store.userGrants(userKeyOf({ tenantId, userId }))) {
        const grant = await store.get('grant', id);
        if (!grant) continue;
        const client = await clients.find(grant.clientId);
        views.push({
          grantId: id,
          clientName: client?.clientName ?? 'An application that is no longer registered',
          verifiedBy: client?.source === 'cimd' ? new URL(client.clientId).host : undefined,
          scopes: grant.scopes,
          createdAt: grant.createdAt,
        });
      }
      renderConnections(res, { tenantId, userId, csrf: await issueCsrf(store, session), connections: views });
    } catch (err) {
      sendUnavailablePageOrThrow(res, err);
    }
  });

  const guarded = (action: (req: Request, res: Response, s: NonNullable<Awaited<ReturnType<typeof readSession>>>) => Promise<void>) =>
    async function connectionsAction(req: Request, res: Response) {
      try {
        const session = await readSession(store, req);
        const csrf = typeof req.body?.csrf === 'string' ? req.body.csrf : '';
        if (!session || !csrf || !timingSafeEqualStr(hashSecret(csrf), session.record.csrfHash)) {
          return sendErrorPage(res, 403, 'Request refused', 'This form was not submitted from your connections page. Open /connections again.');
        }
        await action(req, res, session);
      } catch (err) {
        sendUnavailablePageOrThrow(res, err);
      }
    };

  router.post(
    '/connections/revoke',
    form,
    guarded(async (req, res, session) => {
      const grantId = typeof req.body?.grant === 'string' ? req.body.grant : '';
      // Only a grant linked to this user: an id from another workspace does nothing.
      if ((await store.userGrants(userKeyOf(session.record))).includes(grantId)) {
        await store.revokeGrant(grantId);
        log.info({ event: 'grant_revoked', grantId, reason: 'user_disconnected' }, 'connection revoked by its user');
      }
      res.set('Cache-Control', 'no-store').redirect(303, '/connections');
    }),
  );

  router.post(
    '/connections/signout',
    form,
    guarded(async (_req, res, session) => {
      await endSession(store, res, session);
      sendErrorPage(res, 200, 'Signed out', 'You are signed out of your connections page.');
    }),
  );
  return router;
}
