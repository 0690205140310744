/**
 * `/connections` (docs/architecture.md, "Token lifecycle"): a user signs in through OSC, sees the applications connected
 * to their workspace and revokes any of them. We never keep the OSC token of this
 * sign-in: it only tells us who the user is (tenant and user claims).
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { TokenStore } from '../storage/store.js';
import { sendUnavailablePageOrThrow } from '../http/unavailable.js';
import { hashSecret, timingSafeEqualStr } from '../storage/hash.js';
import { userKeyOf, type SignInRecord } from '../storage/records.js';
import { finishOscSignIn, signedInUser, startOscSignIn } from '../osc/lifecycle/sign-in.js';
import { OscInvalidGrantError } from '../errors.js';
import { DEFAULTS } from '../defaults.js';
import { sendSignInExpired } from '../oauth/callback.js';
import { sendErrorPage } from '../http/page-headers.js';
import type { OscOAuthClient } from '../osc/oauth-client.js';
import type { OscClientProvider } from '../osc/lifecycle/client-registration.js';
import type { ClientDirectory } from '../oauth/clients.js';
import { bindBrowser, browserHashOf } from '../oauth/browser-binding.js';
import { chargePage, reserveRecords, sendRefusalPage, type AnonymousRecords } from '../oauth/anonymous.js';
import { endSession, issueCsrf, readSession, startSession } from './session.js';
import { renderConnections, type ConnectionView } from './page.js';

export interface ConnectionsDeps {
  store: TokenStore;
  clients: ClientDirectory;
  oscOAuth: OscOAuthClient;
  oscClients: OscClientProvider;
  callbackUrl: string;
  log: Logger;
  /** Lifetime of a sign-in in flight (src/defaults.ts). */
  signInTtlS?: number;
  /** Bounds the sign-ins anonymous visitors start (src/oauth/anonymous.ts). */
  records?: AnonymousRecords;
  now?: () => number;
}

/**
 * Finishes a /connections sign-in at our one OSC callback (src/oauth/callback.ts dispatches
 * here by the state's record kind). The same state rules as the MCP flow: ours, same
 * browser, used once, within its TTL (OAUTH-17). The OSC token only tells us who signed in;
 * it is never kept.
 */
export async function finishSignIn(
  deps: ConnectionsDeps,
  req: Request,
  res: Response,
  key: string,
  rec: SignInRecord,
): Promise<void> {
  const now = deps.now ?? Date.now;
  if (browserHashOf(req) !== rec.browserHash || !(await deps.store.take('signin', key))) return sendSignInExpired(res);
  const code = (req.query as Record<string, unknown>).code;
  if (typeof code !== 'string' || !code)
    return sendErrorPage(res, 400, 'Sign-in cancelled', 'OSC did not sign you in. Open /connections to try again.');
  let tokens: Awaited<ReturnType<typeof finishOscSignIn>>;
  try {
    tokens = await finishOscSignIn(deps, rec, code);
  } catch (err) {
    if (err instanceof OscInvalidGrantError)
      return sendErrorPage(
        res,
        400,
        'Sign-in failed',
        'OSC did not accept this sign-in. Open /connections to try again.',
      );
    throw err;
  }
  if (tokens === 'client_gone') return sendErrorPage(res, 400, 'Sign-in expired', 'Please open /connections again.');
  const user = signedInUser(tokens);
  if (!user)
    return sendErrorPage(res, 502, 'Sign-in failed', 'OSC returned an unexpected answer. Please try again later.');
  await startSession(deps.store, res, user, now());
  deps.log.info({ event: 'connections_signed_in', tenantId: user.tenantId }, 'signed in to /connections');
  const back = rec.returnTo && RETURN_TO.test(rec.returnTo) ? rec.returnTo : '/connections';
  res.set('Cache-Control', 'no-store').redirect(303, back);
}

/**
 * Our own pages a sign-in may return to besides /connections: the secret pages
 * (src/secrets/router.ts), each by its link id. Checked when the sign-in starts and again
 * when it finishes, so a stored value can never become an open redirect (INPUT-09).
 */
const RETURN_TO = /^\/secrets\/(?:enter|connection)\/[A-Za-z0-9_-]{43}$/;

/**
 * Sends the browser to OSC's sign-in, the one /connections uses, and back to `returnTo` (one
 * of our secret pages) or to /connections. Stores a `signin` record bound to this browser.
 */
export async function sendToSignIn(deps: ConnectionsDeps, req: Request, res: Response, returnTo?: string) {
  if (returnTo !== undefined && !RETURN_TO.test(returnTo)) throw new TypeError('not a page a sign-in returns to');
  // Anonymous: the page budget and the record count are spent before any work (FLOOD-01).
  if (deps.records) {
    const refused = (await chargePage(deps.records.limits, req)) ?? (await reserveRecords(deps.records.limits, req));
    if (refused) return sendRefusalPage(res, refused);
  }
  const started = await startOscSignIn(deps);
  const rec: SignInRecord = {
    browserHash: bindBrowser(req, res),
    oscCodeVerifier: started.oscCodeVerifier,
    oscClientId: started.oscClientId,
    ...(returnTo ? { returnTo } : {}),
    createdAt: (deps.now ?? Date.now)(),
  };
  await deps.store.put('signin', started.stateHash, rec, deps.signInTtlS ?? DEFAULTS.signInTtlS);
  res.set('Cache-Control', 'no-store').redirect(303, started.url);
}

export function connectionsRouter(deps: ConnectionsDeps): Router {
  const { store, clients, log } = deps;
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 });

  router.get('/connections', async function connections(req: Request, res: Response) {
    try {
      const session = await readSession(store, req);
      // Who is asking is known only after OSC's sign-in.
      if (!session) return await sendToSignIn(deps, req, res);
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

  const guarded = (
    action: (req: Request, res: Response, s: NonNullable<Awaited<ReturnType<typeof readSession>>>) => Promise<void>,
  ) =>
    async function connectionsAction(req: Request, res: Response) {
      try {
        const session = await readSession(store, req);
        const csrf = typeof req.body?.csrf === 'string' ? req.body.csrf : '';
        if (!session || !csrf || !timingSafeEqualStr(hashSecret(csrf), session.record.csrfHash)) {
          return sendErrorPage(
            res,
            403,
            'Request refused',
            'This form was not submitted from your connections page. Open /connections again.',
          );
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
