/**
 * set_config: one plain parameter in a config store (`POST /api/v1/config` on the store's own
 * host, src/emulator/README.md). Plain values only: a value that is a secret must not pass
 * through the model, so secrets go into service secrets instead (issue 19). A parameter
 * that is already secret is refused by OSC (it cannot become plain). Two OSC calls.
 */
import { z } from 'zod';
import { configStoreArg, defineTool, parameterArg, q } from '../tool.js';
import { rethrowMissing, storeStarting } from './not-found.js';
import { SETS } from './annotations.js';

/** The store's own bound is 64 KiB (src/emulator/README.md); a model's plain setting needs far less. */
const MAX_VALUE = 4096;

export default defineTool({
  name: 'set_config',
  title: 'Set a config parameter',
  description:
    'Sets one parameter in a config store (creates or overwrites it), e.g. LOG_LEVEL=debug. For PLAIN settings only: the value passes through this chat. ' +
    'Never put a password, key or token here; have the user store it as a service secret instead and use "{{secrets.<name>}}". Spends no OSC tokens.',
  scope: 'osc:write',
  inputSchema: {
    store: configStoreArg,
    parameter: parameterArg,
    value: z.string().max(MAX_VALUE).describe(`The plain value, at most ${MAX_VALUE} characters`),
  },
  outputSchema: { store: z.string(), parameter: z.string(), value: z.string() },
  annotations: SETS,
  async handler({ store, parameter, value }, ctx) {
    const e = await ctx.osc
      .setConfig(store, parameter, value, ctx.signal)
      .catch((err: unknown) =>
        rethrowMissing(
          err,
          `There is no config store ${q(store)} in your workspace; create_config_store makes one.`,
          storeStarting(store),
        ),
      );
    return {
      structured: { store, parameter, value: e.value },
      text: `Set ${q(parameter)} in config store ${q(store)}.`,
    };
  },
});
