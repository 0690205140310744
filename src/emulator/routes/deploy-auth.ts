/** Every deploy-manager route needs a PAT (`x-pat-jwt`, platform-auth.ts). */
import type { Request } from 'express';
import { isReply, patCaller } from '../platform-auth.js';
import type { Reply } from '../reply.js';
import type { EmulatorState } from '../state.js';
import type { Caller } from '../tokens.js';

export type DeployOp = (req: Request, who: Caller) => Reply;

export const authed =
  (state: EmulatorState, op: DeployOp) =>
  (req: Request): Reply => {
    const who = patCaller(state, req);
    return isReply(who) ? who : op(req, who);
  };
