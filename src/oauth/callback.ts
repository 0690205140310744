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
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { TokenStore } from '../storage/store.js';
import { sendUnavailablePageOrThrow } from '../http/unavailable.js';
import type { Sealer } from '../storage/seal.js';
import type { CodeRecord, GrantRecord, SignInRecord, UpstreamAuthorization } from '../storage/records.js';
import { hashSecret, randomToken } from '../storage/hash.js';
import { patClaims, sealOscTokens } from '../osc/lifecycle/tokens.js';
import { sendErrorPage } from '../http/page-headers.js';
import type { OscOAuthClient, OscTokens } from '../osc/oauth-client.js';
import type { OscClientProvider } from '../osc/lifecycle/client-registration.js';
import { redirectToClient } from './client-redirect.js';
import { browserHashOf } from './browser-binding.js';
import { startUpstream } from './consent.js';
import { PENDING_TTL_S } from './authorize.js';
import { OscInvalidClientError, OscInvalidGrantError } from '../errors.js';

/** Our authorization codes live 60 s (OAuth 2.1 §4.1.2: short). */
export const CODE_TTL_S = 60;

export interface CallbackDeps {
  store: TokenStore;
  sealer: Sealer;
  oscOAuth: OscOAuthClient;
  oscClients: OscClientProvider;
  issuer: string;
  callbackUrl: string;
  log: Logger;
  /** Completes a /connections sign-in, whose state lives under the `signin` kind. */
  onSignIn?: (res: Response, rec: SignInRecord, code: string) => Promise<void>;
  now?: () => number;
}

const expired = (res: Response) =>
  sendErrorPage(res, 400, 'Sign-in expired', 'This sign-in is unknown, was already used, or has expired. Start again from your application.');

export function callbackRouter(deps: CallbackDeps): Router {
  const { store, sealer, oscOAuth, oscClients, issuer, callbackUrl, log } = deps;
  const now = deps.now ?? Date.now;
  const router = express.Router();

  const exchange = async (rec: UpstreamAuthorization, code: string): Promise<OscTokens | 'restart'> => {
    const client = await oscClients.byId(rec.oscClientId);
    if (!client) return 'restart';
    try {
      return await oscOAuth.exchangeCode({ client, code, codeVerifier: rec.oscCodeVerifier, redirectUri: callbackUrl });
    } catch (err) {
      if (err instanceof OscInvalidClientError) return 'restart';
      throw err;
    }
  };

  /** The same state rules for a /connections sign-in: ours, same browser, once, 10 minutes. */
  const signIn = async (req: Request, res: Response, key: string, q: Record<string, unknown>): Promise<void> => {
    const rec = deps.onSignIn ? await store.get('signin', key) : undefined;
    if (!rec || browserHashOf(req) !== rec.browserHash || !(await store.take('signin', key))) return expired(res);
    if (typeof q.code !== 'string' || !q.code) return sendErrorPage(res, 400, 'Sign-in cancelled', 'OSC did not sign you in. Open /connections to try again.');
    try {
      await deps.onSignIn!(res, rec, q.code);
    } catch (err) {
      if (err instanceof OscInvalidGrantError || err instanceof OscInvalidClientError) {
        return sendErrorPage(res, 400, 'Sign-in failed', 'OSC did not accept this sign-in. Open /connections to try again.');
      }
      throw err;
    }
  };

  router.get('/oauth/callback', async function oscCallback(req: Request, res: Response) {
    try {
      const q = req.query as Record<string, unknown>;
      if (typeof q.state !== 'string' || !q.state) return expired(res);
      const key = hashSecret(q.state);
      const rec = await store.get('upstream', key);
      if (!rec) return await signIn(req, res, key, q);
      const browser = browserHashOf(req);
      if (!browser || browser !== rec.browserHash) {
        log.warn({ event: 'callback_browser_mismatch', clientId: rec.clientId }, 'OSC callback from another browser');
        return sendErrorPage(res, 400, 'Sign-in refused', 'This sign-in was started in another browser. Start again from your application.');
      }
      if (!(await store.take('upstream', key))) return expired(res);
      const back = (params: { code?: string; error?: string; error_description?: string }) =>
        redirectToClient(res, rec.redirectUri, issuer, { ...params, state: rec.state });

      if (typeof q.error === 'string' || typeof q.code !== 'string' || !q.code) {
        // OSC's own wording is never reflected (OAUTH-19).
        const denied = q.error === 'access_denied';
        log.info({ event: 'osc_authorization_failed', clientId: rec.clientId, denied }, 'OSC did not authorize');
        return back(denied ? { error: 'access_denied', error_description: 'the user denied access at OSC' } : { error: 'server_error', error_description: 'OSC sign-in failed' });
      }
      let tokens: OscTokens | 'restart';
      try {
        tokens = await exchange(rec, q.code);
      } catch (err) {
        if (err instanceof OscInvalidGrantError) {
          log.warn({ event: 'osc_code_refused', clientId: rec.clientId }, 'OSC refused the code exchange');
          return sendErrorPage(res, 400, 'Sign-in failed', 'OSC did not accept this sign-in. Start again from your application.');
        }
        throw err;
      }
      if (tokens === 'restart') {
        if ((rec.restarts ?? 0) >= 1) return sendErrorPage(res, 502, 'Sign-in failed', 'OSC did not accept our sign-in request. Please try again later.');
        const client = await oscClients.renew(rec.oscClientId);
        const { oscCodeVerifier: _v, oscClientId: _c, createdAt: _t, ...from } = rec;
        const url = await startUpstream({ store, oscOAuth, oscClients, callbackUrl }, { ...from, restarts: (rec.restarts ?? 0) + 1 }, now(), client);
        log.info({ event: 'osc_authorization_restarted', clientId: rec.clientId }, 'OSC client renewed; sending the browser through OSC again');
        return res.set('Cache-Control', 'no-store').redirect(303, url);
      }
      const claims = patClaims(tokens.accessToken);
      if (!claims.tenantId) {
        log.warn({ event: 'osc_token_unusable', clientId: rec.clientId }, 'OSC token has no tenant');
        return sendErrorPage(res, 502, 'Sign-in failed', 'OSC returned an unexpected answer. Please try again later.');
      }
      const grantId = randomBytes(18).toString('base64url');
      const grant: GrantRecord = {
        id: grantId,
        version: 1,
        clientId: rec.clientId,
        scopes: rec.scopes,
        resource: rec.resource,
        tenantId: claims.tenantId,
        userId: claims.userId ?? claims.tenantId,
        createdAt: now(),
        oscSealed: sealOscTokens(sealer, grantId, { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken }),
        oscExpiresAt: now() + tokens.expiresIn * 1000,
        oscLifetimeMs: tokens.expiresIn * 1000,
        oscClientId: rec.oscClientId,
      };
      const code = randomToken('oscm_code_');
      const codeRec: CodeRecord = {
        grantId,
        clientId: rec.clientId,
        redirectUri: rec.redirectUri,
        codeChallenge: rec.codeChallenge,
        resource: rec.resource,
        scopes: rec.scopes,
        createdAt: now(),
      };
      // Until the code is redeemed the grant lives only as long as a pending authorization.
      await store.put('grant', grantId, grant, PENDING_TTL_S);
      await store.put('code', hashSecret(code), codeRec, CODE_TTL_S);
      log.info({ event: 'grant_created', grantId, clientId: rec.clientId, tenantId: grant.tenantId }, 'authorization complete');
      back({ code });
    } catch (err) {
      sendUnavailablePageOrThrow(res, err, 'We could not finish signing you in. Please try again in a moment.');
    }
  });
  return router;
}
