/**
 * create_config_store: a parameter store in the workspace (src/emulator/README.md, "Parameter
 * stores": a config-service instance backed by a Valkey instance). OSC answers with the store's
 * API key; the port never returns it, so no model sees it. One OSC call; never retried.
 */
import { z } from 'zod';
import { configStoreArg, defineTool, q, ToolInputError } from '../tool.js';
import { UpstreamConflictError } from '../../errors.js';
import { WRITES } from './annotations.js';

export default defineTool({
  name: 'create_config_store',
  title: 'Create a config store',
  description:
    "Creates a config store (OSC parameter store) for an application's settings: key/value parameters that apps read at start. " +
    'It runs as two instances (a config service and a Valkey database) that COST OSC tokens daily until deleted. ' +
    'It takes a little while to start; then use set_config and get_config. Not retried automatically.',
  scope: 'osc:write',
  inputSchema: { store: configStoreArg },
  outputSchema: { store: z.string(), created: z.boolean() },
  annotations: WRITES,
  async handler({ store }, ctx) {
    await ctx.osc.createConfigStore(store, ctx.signal).catch((err: unknown) => {
      if (err instanceof UpstreamConflictError) {
        throw new ToolInputError(
          `Nothing was created: the name ${q(store)} is taken (a config store or a Valkey instance of that name exists). Choose another name, or use list_config on it.`,
        );
      }
      throw err;
    });
    return {
      structured: { store, created: true },
      text: `Created config store ${q(store)}. It is starting; set_config works once it runs (usually within a minute). It spends OSC tokens daily until deleted.`,
    };
  },
});
