/**
 * get_config: one parameter of a config store. Secret parameters are masked: the port never
 * sends the store's API key, so OSC itself answers `***` (src/emulator/README.md), and the port masks
 * again whatever it receives for a secret parameter. Two OSC calls.
 */
import { z } from 'zod';
import { configStoreArg, defineTool, parameterArg, q } from '../tool.js';
import { rethrowMissing, storeStarting } from './not-found.js';
import { READ_ONLY } from './annotations.js';

export default defineTool({
  name: 'get_config',
  title: 'Get a config parameter',
  description:
    'Reads one parameter of a config store. Values of secret parameters are never shown (masked as "***"). Read-only; spends no OSC tokens.',
  scope: 'osc:read',
  inputSchema: { store: configStoreArg, parameter: parameterArg },
  outputSchema: { store: z.string(), parameter: z.string(), value: z.string(), secret: z.boolean() },
  annotations: READ_ONLY,
  async handler({ store, parameter }, ctx) {
    const e = await ctx.osc
      .getConfig(store, parameter, ctx.signal)
      .catch((err: unknown) =>
        rethrowMissing(
          err,
          `No parameter ${q(parameter)} in config store ${q(store)}, or no such store; list_config shows what exists.`,
          storeStarting(store),
        ),
      );
    const value = e.secret ? '***' : e.value;
    return {
      structured: { store, parameter, value, secret: e.secret },
      text: e.secret
        ? `${q(parameter)} in ${q(store)} is a secret parameter; its value is not shown.`
        : `${q(parameter)} in ${q(store)} = ${q(value)}`,
    };
  },
});
