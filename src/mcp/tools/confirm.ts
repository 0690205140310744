/**
 * The confirm step of a permanent delete (MCP-05): the tool is `destructiveHint: true` and
 * refuses unless the call carries `confirm: true`, so a model must stop and ask the user.
 */
import { z } from 'zod';
import { ToolInputError } from '../tool.js';

/** The `confirm` argument of a delete tool; `what` names the thing deleted ("app", "secret"). */
export function confirmArg(what: string) {
  return z.boolean().optional().describe(`Must be true: the user agreed to delete this ${what}`);
}

/** Refuses the call unless `confirm` is true; `loss` says what deleting loses, as a sentence. */
export function requireConfirm(confirm: boolean | undefined, tool: string, loss: string): void {
  if (confirm !== true)
    throw new ToolInputError(`Not deleted. ${loss} Ask the user, then call ${tool} again with confirm: true.`);
}
