/**
 * `money.svc.<env>.osaas.io` (src/emulator/README.md). `/mytenantplan` → `{name, …}` (OMM reads
 * `name`). `/mytokencount` is a GUESS: the caller's element of the admin `/tokencount`
 * shape `{tenantId, tokenCount, availableTokens, remainingTokens}`, where we take
 * `tokenCount` = tokens used so far and `remainingTokens = availableTokens - tokenCount`.
 */
import { Router } from 'express';
import { isReply, patCaller } from '../platform-auth.js';
import { json, type Reply } from '../reply.js';
import { route } from '../route.js';
import type { EmulatorState } from '../state.js';

export function moneyRouter(state: EmulatorState): Router {
  const r = Router();
  r.get(
    '/mytenantplan',
    route(state, 'money.plan', (req): Reply => {
      const who = patCaller(state, req);
      if (isReply(who)) return who;
      return json(200, { tenantId: who.tenant.id, name: who.tenant.plan });
    }),
  );
  r.get(
    '/mytokencount',
    route(state, 'money.tokens', (req): Reply => {
      const who = patCaller(state, req);
      if (isReply(who)) return who;
      const t = who.tenant;
      return json(200, {
        tenantId: t.id,
        tokenCount: t.usedTokens,
        availableTokens: t.availableTokens,
        remainingTokens: t.availableTokens - t.usedTokens,
      });
    }),
  );
  return r;
}
