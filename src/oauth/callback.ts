/**
 * GET /oauth/callback: OSC sends the browser back here (docs/architecture.md, "The two OAuth legs"; MCP SBP "OAuth State
 * Parameter Validation"; OAUTH-17…20). The `state` must be one we stored after
 * consent, from the same browser, used once, within 10 minutes. Then the code is exchanged
 * with OSC using our PKCE verifier, the grant is stored with the OSC tokens sealed, and
 * the client gets our own code (single use, ≤ 60 s) with `state` and `iss`.
 *
 * If OSC no longer accepts the (short-lived, dynamically registered) client the
 * authorization was started with, we register again and send the browser through OSC
 * once more with the user's approval kept, rather than failing the user.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { OscInvalidGrantError } from '../errors.js';
import { sendErrorPage } from '../http/page-headers.js';
import { sendUnavailablePageOrThrow } from '../http/unavailable.js';
import type { OscOAuthClient } from '../osc/oauth-client.js';
import type { OscClientProvider } from '../osc/lifecycle/client-registration.js';
import { finishOscSignIn, signedInUser } from '../osc/lifecycle/sign-in.js';
import { hashSecret } from '../storage/hash.js';
import type { SignInRecord, UpstreamAuthorization } from '../storage/records.js';
import type { Sealer } from '../storage/seal.js';
import type { TokenStore } from '../storage/store.js';
import { browserHashOf } from './browser-binding.js';
import { redirectToClient } from './client-redirect.js';
import { startUpstream } from './consent.js';
import { createGrant } from './grant.js';

/** A /connections sign-in arriving at our one OSC callback (src/connections/router.ts finishes it). */
export type SignInFinisher = (req: Request, res: Response, key: string, rec: SignInRecord) => Promise<void>;

export interface CallbackDeps {
  store: TokenStore;
  sealer: Sealer;
  oscOAuth: OscOAuthClient;
  oscClients: OscClientProvider;
  issuer: string;
  callbackUrl: string;
  log: Logger;
  /** Finishes a /connections sign-in, whose state lives under the `signin` kind. */
  onSignIn?: SignInFinisher;
  /** Grant and code lifetimes (src/defaults.ts). */
  pendingTtlS?: number;
  codeTtlS?: number;
  now?: () => number;
}

/**
 * Which flow a `state` belongs to. OSC knows one redirect URI for us, so both flows come
 * back here; the record kind the state names decides, and each flow keeps its own rules.
 */
type Flow =
  | { kind: 'mcp'; rec: UpstreamAuthorization }
  | { kind: 'connections'; rec: SignInRecord }
  | { kind: 'unknown' };

export function sendSignInExpired(res: Response): void {
  sendErrorPage(
    res,
    400,
    'Sign-in expired',
    'This sign-in is unknown, was already used, or has expired. Start again from your application.',
  );
}

/** Where an MCP authorization ends on our page rather than at the client: status, title, what to do. */
const ENDINGS = {
  otherBrowser: [
    400,
    'Sign-in refused',
    'This sign-in was started in another browser. Start again from your application.',
  ],
  codeRefused: [400, 'Sign-in failed', 'OSC did not accept this sign-in. Start again from your application.'],
  clientRefused: [502, 'Sign-in failed', 'OSC did not accept our sign-in request. Please try again later.'],
  tokenUnusable: [502, 'Sign-in failed', 'OSC returned an unexpected answer. Please try again later.'],
} as const;

function sendEnding(res: Response, ending: keyof typeof ENDINGS): void {
  const [status, title, text] = ENDINGS[ending];
  sendErrorPage(res, status, title, text);
}

export function callbackRouter(deps: CallbackDeps): Router {
  const { store, sealer, oscOAuth, oscClients, issuer, callbackUrl, log } = deps;
  const now = deps.now ?? Date.now;
  const signIn = { oscOAuth, oscClients, callbackUrl };
  const router = express.Router();

  const flowOf = async (key: string): Promise<Flow> => {
    const rec = await store.get('upstream', key);
    if (rec) return { kind: 'mcp', rec };
    const signin = deps.onSignIn ? await store.get('signin', key) : undefined;
    return signin ? { kind: 'connections', rec: signin } : { kind: 'unknown' };
  };

  /** The MCP authorization: OSC's answer becomes our code for the client, or an error for it. */
  const finishAuthorization = async (
    req: Request,
    res: Response,
    key: string,
    rec: UpstreamAuthorization,
  ): Promise<void> => {
    const q = req.query as Record<string, unknown>;
    const browser = browserHashOf(req);
    if (!browser || browser !== rec.browserHash) {
      log.warn({ event: 'callback_browser_mismatch', clientId: rec.clientId }, 'OSC callback from another browser');
      return sendEnding(res, 'otherBrowser');
    }
    if (!(await store.take('upstream', key))) return sendSignInExpired(res);
    const back = (params: { code?: string; error?: string; error_description?: string }) =>
      redirectToClient(res, rec.redirectUri, issuer, { ...params, state: rec.state });

    if (typeof q.error === 'string' || typeof q.code !== 'string' || !q.code) {
      // OSC's own wording is never reflected (OAUTH-19).
      const denied = q.error === 'access_denied';
      log.info({ event: 'osc_authorization_failed', clientId: rec.clientId, denied }, 'OSC did not authorize');
      return back(
        denied
          ? { error: 'access_denied', error_description: 'the user denied access at OSC' }
          : { error: 'server_error', error_description: 'OSC sign-in failed' },
      );
    }
    let tokens: Awaited<ReturnType<typeof finishOscSignIn>>;
    try {
      tokens = await finishOscSignIn(signIn, rec, q.code);
    } catch (err) {
      if (err instanceof OscInvalidGrantError) {
        log.warn({ event: 'osc_code_refused', clientId: rec.clientId }, 'OSC refused the code exchange');
        return sendEnding(res, 'codeRefused');
      }
      throw err;
    }
    if (tokens === 'client_gone') {
      // The (short-lived, dynamically registered) OSC client expired meanwhile: register
      // again and send the browser through OSC once more with the user's approval kept.
      if ((rec.restarts ?? 0) >= 1) return sendEnding(res, 'clientRefused');
      const client = await oscClients.renew(rec.oscClientId);
      const { oscCodeVerifier: _v, oscClientId: _c, createdAt: _t, ...from } = rec;
      const url = await startUpstream(
        { store, ...signIn, pendingTtlS: deps.pendingTtlS },
        { ...from, restarts: (rec.restarts ?? 0) + 1 },
        now(),
        client,
      );
      log.info(
        { event: 'osc_authorization_restarted', clientId: rec.clientId },
        'OSC client renewed; sending the browser through OSC again',
      );
      return res.set('Cache-Control', 'no-store').redirect(303, url);
    }
    const user = signedInUser(tokens);
    if (!user) {
      log.warn({ event: 'osc_token_unusable', clientId: rec.clientId }, 'OSC token has no tenant');
      return sendEnding(res, 'tokenUnusable');
    }
    const { grant, code } = await createGrant(
      { store, sealer, pendingTtlS: deps.pendingTtlS, codeTtlS: deps.codeTtlS },
      rec,
      tokens,
      user,
      now(),
    );
    log.info(
      { event: 'grant_created', grantId: grant.id, clientId: rec.clientId, tenantId: grant.tenantId },
      'authorization complete',
    );
    back({ code });
  };

  router.get('/oauth/callback', async function oscCallback(req: Request, res: Response) {
    try {
      const state = (req.query as Record<string, unknown>).state;
      if (typeof state !== 'string' || !state) return sendSignInExpired(res);
      const key = hashSecret(state);
      const flow = await flowOf(key);
      if (flow.kind === 'mcp') return await finishAuthorization(req, res, key, flow.rec);
      if (flow.kind === 'connections' && deps.onSignIn) return await deps.onSignIn(req, res, key, flow.rec);
      sendSignInExpired(res);
    } catch (err) {
      sendUnavailablePageOrThrow(res, err, 'We could not finish signing you in. Please try again in a moment.');
    }
  });
  return router;
}
