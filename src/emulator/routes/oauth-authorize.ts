/**
 * `GET /api/connect/authorize` and `POST /api/connect/authorize` (src/emulator/README.md):
 * sign-in page → consent page → 302 to `redirect_uri?code=…&state=…`. A server-side
 * transaction (id in a hidden field) carries the request between pages, so no cookies.
 * Bad client or redirect URI → a local 400 page, never a redirect (RFC 6749 §4.1.2.1);
 * other errors go back to the client as `error=…`.
 */
import type { Request } from 'express';
import { parseBody, str } from '../body.js';
import { liveClient, redirectMatches } from '../clients.js';
import { consentPage, errorPage, signInPage } from '../pages.js';
import { b64url, hex } from '../random.js';
import { html, redirect, type Reply } from '../reply.js';
import type { EmulatorState, Transaction } from '../state.js';
import { DEMO_USERS } from '../users.js';

const TX_TTL_MS = 10 * 60 * 1000;
/** Code lifetime: 10 minutes (src/emulator/README.md, UNCONFIRMED). */
const CODE_TTL_MS = 10 * 60 * 1000;
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

const localError = (message: string): Reply => html(400, errorPage(message));

function back(redirectUri: string, params: Record<string, string | undefined>): Reply {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return redirect(url.toString());
}

export function authorizeGet(state: EmulatorState) {
  return (req: Request): Reply => {
    const q = (k: string): string | undefined =>
      typeof req.query[k] === 'string' ? (req.query[k] as string) : undefined;
    const client = liveClient(state, q('client_id'));
    if (!client) return localError('Unknown or expired client_id.');
    const redirectUri = q('redirect_uri');
    if (!redirectUri || !redirectMatches(client, redirectUri))
      return localError('The redirect_uri is not registered for this client.');
    const st = q('state');
    if (q('response_type') !== 'code') {
      return back(redirectUri, {
        error: 'unsupported_response_type',
        error_description: 'response_type must be code',
        state: st,
      });
    }
    const challenge = q('code_challenge');
    if (q('code_challenge_method') !== 'S256' || !challenge || !CHALLENGE.test(challenge)) {
      // PKCE is mandatory and S256 only (src/emulator/README.md, "there is no option to skip it").
      return back(redirectUri, {
        error: 'invalid_request',
        error_description: 'PKCE with S256 is required',
        state: st,
      });
    }
    const scope = q('scope');
    const autoUser = state.options.autoConsent;
    if (autoUser && state.users.has(autoUser)) {
      return issueCode(
        state,
        { clientId: client.clientId, redirectUri, codeChallenge: challenge, state: st, scope },
        autoUser,
      );
    }
    const tx: Transaction = {
      id: b64url(24),
      clientId: client.clientId,
      redirectUri,
      codeChallenge: challenge,
      ...(st !== undefined ? { state: st } : {}),
      ...(scope !== undefined ? { scope } : {}),
      expiresAtMs: state.clock.nowMs() + TX_TTL_MS,
    };
    state.transactions.set(tx.id, tx);
    return html(200, signInPage(tx.id, client.name, DEMO_USERS));
  };
}

export function authorizePost(state: EmulatorState) {
  return (req: Request): Reply => {
    const body = parseBody(req);
    if (!body) return localError('Malformed form.');
    const txId = str(body, 'transaction_id');
    const tx = txId ? state.transactions.get(txId) : undefined;
    if (!tx || tx.expiresAtMs <= state.clock.nowMs())
      return localError('This sign-in has expired. Start again from the application.');
    const client = liveClient(state, tx.clientId);
    if (!client) {
      state.transactions.delete(tx.id);
      return localError('Unknown or expired client_id.');
    }
    const userId = str(body, 'user_id');
    if (userId !== undefined) {
      const user = state.users.get(userId);
      if (!user) return localError('Unknown user.');
      tx.userId = user.id;
      if (state.rememberConsent && state.consents.has(`${user.id}|${client.clientId}`)) {
        state.transactions.delete(tx.id);
        return issueCode(state, tx, user.id);
      }
      return html(200, consentPage(tx.id, client.name, tx.redirectUri, user));
    }
    const decision = str(body, 'decision');
    if (!tx.userId || (decision !== 'allow' && decision !== 'deny'))
      return localError('Sign in first, then allow or deny.');
    state.transactions.delete(tx.id);
    if (decision === 'deny') {
      return back(tx.redirectUri, {
        error: 'access_denied',
        error_description: 'The user denied access',
        state: tx.state,
      });
    }
    state.consents.add(`${tx.userId}|${client.clientId}`);
    return issueCode(state, tx, tx.userId);
  };
}

function issueCode(
  state: EmulatorState,
  tx: {
    clientId: string;
    redirectUri: string;
    codeChallenge: string;
    state?: string | undefined;
    scope?: string | undefined;
  },
  userId: string,
): Reply {
  const code = `osc_code_${hex(20)}`;
  state.codes.set(code, {
    clientId: tx.clientId,
    redirectUri: tx.redirectUri,
    codeChallenge: tx.codeChallenge,
    userId,
    ...(tx.scope !== undefined ? { scope: tx.scope } : {}),
    expiresAtMs: state.clock.nowMs() + CODE_TTL_MS,
  });
  state.recordSecret('code', code, userId);
  return back(tx.redirectUri, { code, state: tx.state });
}
