/**
 * GET /authorize (OAuth 2.1 §4.1.1) → our consent page, on every request (OAUTH-15: we do not
 * know the user before OSC sign-in, so there is no remembered consent).
 *
 * Until the client and its redirect URI are validated, errors render locally and never
 * redirect (RFC 6749 §4.1.2.1, OAUTH-08, OAUTH-09); afterwards they go back to the client with
 * `state` and `iss` when its redirect URI is verified (./client-trust.ts), and are otherwise
 * shown on our page with the answer as a link (RFC 9700 §4.11.2, POLICY-02). Parameters sent
 * twice are errors (OAuth 2.1 §3.1).
 */
import express, { type Request, type Response, type Router } from 'express';
import { randomBytes } from 'node:crypto';
import type { TokenStore } from '../storage/store.js';
import type { PendingAuthorization } from '../storage/records.js';
import { hashSecret } from '../storage/hash.js';
import { sendErrorPage } from '../http/page-headers.js';
import { sendUnavailablePageOrThrow } from '../http/unavailable.js';
import type { ClientDirectory } from './clients.js';
import { matchRedirectUri } from './redirect-uri.js';
import { CHALLENGE_RE } from './pkce.js';
import { offeredScopes } from './scopes.js';
import { redirectToClient, sendClientErrorPage } from './client-redirect.js';
import { redirectIsVerified } from './client-trust.js';
import { bindBrowser } from './browser-binding.js';
import { renderConsentPage } from './consent-page.js';
import { canonicalResource } from './resource.js';
import { refuseUnknownClient } from './unknown-client.js';
import type { Logger } from 'pino';
import { isSuspended, sendBlockedPage } from './suspension.js';
import { DEFAULTS } from '../defaults.js';
import { admitRecord, sendRefusalPage, type AnonymousRecords } from './anonymous.js';

/** Pending consent and our OSC round trip live 10 minutes (MCP SBP "OAuth State Parameter Validation"). */
export const PENDING_TTL_S = DEFAULTS.pendingTtlS;

type Param = { ok: true; value: string | undefined } | { ok: false };

function param(req: Request, name: string): Param {
  const v = (req.query as Record<string, unknown>)[name];
  if (v === undefined) return { ok: true, value: undefined };
  return typeof v === 'string' ? { ok: true, value: v } : { ok: false };
}

export interface AuthorizeDeps {
  store: TokenStore;
  clients: ClientDirectory;
  issuer: string;
  resource: string;
  log?: Logger;
  now?: () => number;
  /** Counts and caps the pending records anonymous requests create (./anonymous.ts). */
  records?: AnonymousRecords;
  /** Longest stored parameter (src/defaults.ts `maxParamChars`). */
  maxParamChars?: number;
}

export function authorizeRouter(deps: AuthorizeDeps): Router {
  const { store, clients, issuer, resource } = deps;
  const now = deps.now ?? Date.now;
  const maxChars = deps.maxParamChars ?? DEFAULTS.maxParamChars;
  const tooLong = (p: Param) => p.ok && p.value !== undefined && p.value.length > maxChars;
  const router = express.Router();

  router.get('/authorize', async function authorize(req: Request, res: Response) {
    try {
      const clientId = param(req, 'client_id');
      if (!clientId.ok || !clientId.value)
        return sendErrorPage(res, 400, 'Invalid request', 'The request does not name exactly one client.');
      if (tooLong(clientId))
        return sendErrorPage(res, 400, 'Invalid request', `The client id is longer than ${maxChars} characters.`);
      const found = await clients.lookup(clientId.value);
      if (!found.client)
        return refuseUnknownClient(req, res, {
          clientId: clientId.value,
          reason: found.refused,
          isMetadataUrl: /^https?:\/\//i.test(clientId.value),
          log: deps.log,
        });
      const client = found.client;
      // Blocked by the operator: said to the person, never redirected to the client.
      if (await isSuspended(store, client.clientId)) return sendBlockedPage(res);
      const redirect = param(req, 'redirect_uri');
      if (!redirect.ok) return sendErrorPage(res, 400, 'Invalid request', 'The redirect URI was sent more than once.');
      if (tooLong(redirect))
        return sendErrorPage(res, 400, 'Invalid request', `The redirect URI is longer than ${maxChars} characters.`);
      const redirectUri = redirect.value ?? (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
      if (!redirectUri || !matchRedirectUri(redirectUri, client.redirectUris)) {
        deps.log?.info(
          { event: 'authorize_redirect_mismatch', clientId: client.clientId, registered: client.redirectUris.length },
          'authorization refused: redirect URI not registered',
        );
        return sendErrorPage(
          res,
          400,
          'Invalid redirect URI',
          'The application asked to be answered at an address it did not register. Remove this server from your application and add it again so it registers its current address.',
        );
      }
      // From here on the redirect URI is registered. Errors go back to the client (RFC 6749
      // §4.1.2.1) only when it is verified; otherwise our page offers them as a link the
      // person may follow, so open registration makes no open redirector (RFC 9700 §4.11.2).
      const state = param(req, 'state');
      const answer = redirectIsVerified(client, redirectUri) ? redirectToClient : sendClientErrorPage;
      const fail = (error: string, description: string) =>
        answer(res, redirectUri, issuer, {
          error,
          error_description: description,
          // A state we refuse for its length is not sent back either.
          state: state.ok && !tooLong(state) ? state.value : undefined,
        });
      if (!state.ok) return fail('invalid_request', 'state was sent more than once');
      if (tooLong(state)) return fail('invalid_request', `state must be at most ${maxChars} characters`);
      const responseType = param(req, 'response_type');
      if (!responseType.ok || responseType.value !== 'code')
        return fail('unsupported_response_type', 'only response_type=code is supported');
      const challenge = param(req, 'code_challenge');
      const method = param(req, 'code_challenge_method');
      if (!challenge.ok || !challenge.value) return fail('invalid_request', 'code_challenge is required (PKCE)');
      if (!method.ok || method.value !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
      if (!CHALLENGE_RE.test(challenge.value))
        return fail('invalid_request', 'code_challenge must be 43 base64url characters');
      const resourceParam = param(req, 'resource');
      if (!resourceParam.ok) return fail('invalid_target', 'resource was sent more than once');
      if (tooLong(resourceParam)) return fail('invalid_target', `resource must be at most ${maxChars} characters`);
      // RFC 8707 §2: absent defaults to our one resource; anything else is refused.
      if (resourceParam.value !== undefined && canonicalResource(resourceParam.value) !== resource) {
        return fail('invalid_target', 'this server only issues tokens for its own MCP endpoint');
      }
      const scope = param(req, 'scope');
      if (!scope.ok) return fail('invalid_scope', 'scope was sent more than once');
      if (tooLong(scope)) return fail('invalid_scope', `scope must be at most ${maxChars} characters`);
      // Bounded by the client's registration; read-only when none is named (./scopes.ts).
      const offered = offeredScopes(scope.value, client.scope);
      if ('problem' in offered) return fail('invalid_scope', offered.problem);

      const csrf = randomBytes(32).toString('base64url');
      const pending: PendingAuthorization = {
        id: randomBytes(32).toString('base64url'),
        clientId: client.clientId,
        redirectUri,
        state: state.value,
        codeChallenge: challenge.value,
        scopes: offered.scopes,
        resource,
        csrfHash: hashSecret(csrf),
        browserHash: bindBrowser(req, res),
        createdAt: now(),
      };
      // Counted per address and in total, and capped in size, before it is stored (FLOOD-01, FLOOD-03).
      const admitted = deps.records ? await admitRecord(deps.records, req, pending) : undefined;
      if (admitted === 'too_large') return fail('invalid_request', 'the authorization request is too large');
      if (admitted) return sendRefusalPage(res, admitted);
      await store.put('pending', pending.id, pending, PENDING_TTL_S);
      renderConsentPage(res, { client, pending, csrf, defaulted: offered.defaulted, withheld: offered.withheld });
    } catch (err) {
      sendUnavailablePageOrThrow(res, err);
    }
  });
  return router;
}
