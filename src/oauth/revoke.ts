/**
 * POST /revoke (RFC 7009). Revoking a refresh token ends its grant and every access token
 * under it (§2.1); revoking an access token ends only that token. Unknown tokens, and
 * tokens of another client, answer 200 and change nothing (§2.2).
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { TokenStore } from '../storage/store.js';
import { refreshKeyOf } from './issue.js';
import { hashSecret } from '../storage/hash.js';
import type { ClientDirectory } from './clients.js';
import { InvalidRequestError, OAuthError, sendOAuthError } from './errors.js';
import { noStore, oauthForm } from './form.js';

export function revokeRouter(deps: { store: TokenStore; clients: ClientDirectory; log: Logger }): Router {
  const { store, clients, log } = deps;
  const router = express.Router();
  router.post('/revoke', oauthForm, async function revoke(req: Request, res: Response) {
    noStore(res);
    try {
      const client = await clients.authenticate(req);
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (typeof body.token !== 'string' || !body.token) throw new InvalidRequestError('token is required');
      const key = hashSecret(body.token);
      const access = await store.get('access', key);
      if (access?.clientId === client.clientId) {
        await store.delete('access', key);
        log.info({ event: 'token_revoked', kind: 'access', grantId: access.grantId }, 'access token revoked');
      } else {
        // Any token of a refresh family names its grant (./issue.ts); revoking it ends the grant.
        const refresh = await store.get('refresh', refreshKeyOf(body.token));
        if (refresh?.clientId === client.clientId) {
          await store.revokeGrant(refresh.grantId);
          log.info(
            { event: 'token_revoked', kind: 'refresh', grantId: refresh.grantId },
            'refresh token revoked; grant ended',
          );
        }
      }
      res.status(200).end();
    } catch (err) {
      if (err instanceof OAuthError)
        log.info({ event: 'revoke_refused', error: err.errorCode, reason: err.message }, 'revocation refused');
      sendOAuthError(res, err);
    }
  });
  return router;
}
