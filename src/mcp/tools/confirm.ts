/**
 * The confirm step of a permanent delete (MCP-05): the tool is `destructiveHint: true` and
 * refuses unless the call carries `confirm: true`, so a model must stop and ask the user.
 */
import { z } from 'zod';
import { ToolInputError, type Tool } from '../tool.js';
import { DELETES } from './annotations.js';

/** The `confirm` argument of a delete tool; `what` names the thing deleted ("app", "secret"). */
export function confirmArg(what: string) {
  return z.boolean().optional().describe(`Must be true: the user agreed to delete this ${what}`);
}

/** Refuses the call unless `confirm` is true; `loss` says what deleting loses, as a sentence. */
export function requireConfirm(confirm: boolean | undefined, tool: string, loss: string): void {
  if (confirm !== true)
    throw new ToolInputError(`Not deleted. ${loss} Ask the user, then call ${tool} again with confirm: true.`);
}

type Input<I extends z.ZodRawShape> = z.infer<z.ZodObject<I>>;

/**
 * A permanent delete (MCP-05): `destructiveHint: true` (./annotations.ts `DELETES`), a
 * `confirm` argument (`what` names the thing deleted), and a handler that runs only when the
 * call carries `confirm: true`; otherwise the result says what deleting loses (`loss`).
 */
export function defineDeleteTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(
  tool: Omit<Tool<I, O>, 'annotations' | 'handler'> & {
    what: string;
    loss: (input: Input<I>) => string;
    handler: Tool<I, O>['handler'];
  },
): Tool<I & { confirm: ReturnType<typeof confirmArg> }, O> {
  const { what, loss, handler, inputSchema, ...rest } = tool;
  return {
    ...rest,
    inputSchema: { ...inputSchema, confirm: confirmArg(what) },
    annotations: DELETES,
    handler(args, ctx) {
      const { confirm, ...input } = args as Input<I> & { confirm?: boolean };
      requireConfirm(confirm, tool.name, loss(input as Input<I>));
      return handler(input as Input<I>, ctx);
    },
  };
}
