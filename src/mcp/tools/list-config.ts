/**
 * list_config: the parameters of a config store, 100 a page, secret values masked (as
 * get_config). Two OSC calls.
 */
import { z } from 'zod';
import { configStoreArg, defineTool, q } from '../tool.js';
import { rethrowMissing, storeStarting } from './not-found.js';
import { READ_ONLY } from './annotations.js';

export default defineTool({
  name: 'list_config',
  title: 'List config parameters',
  description:
    'Lists the parameters of a config store with their values, 100 at a time (pass "offset" from the previous result for more). ' +
    'Values of secret parameters are masked as "***". Read-only; spends no OSC tokens.',
  scope: 'osc:read',
  inputSchema: {
    store: configStoreArg,
    offset: z
      .number()
      .int()
      .min(0)
      .max(100_000)
      .optional()
      .describe("Where to continue, from the previous result's next"),
  },
  outputSchema: {
    store: z.string(),
    items: z.array(z.object({ parameter: z.string(), value: z.string(), secret: z.boolean() })),
    total: z.number().int(),
    next: z.number().int().optional(),
  },
  annotations: READ_ONLY,
  async handler({ store, offset = 0 }, ctx) {
    const page = await ctx.osc
      .listConfig(store, offset, ctx.signal)
      .catch((err: unknown) =>
        rethrowMissing(
          err,
          `There is no config store ${q(store)} in your workspace; create_config_store makes one.`,
          storeStarting(store),
        ),
      );
    const items = page.items.map((e) => ({ parameter: e.key, value: e.secret ? '***' : e.value, secret: e.secret }));
    const head =
      page.total === 0
        ? `Config store ${q(store)} has no parameters.`
        : `${page.total} parameter(s) in ${q(store)}${page.next !== undefined ? `; more from offset ${page.next}` : ''}:`;
    const lines = items.map((i) => `- ${q(i.parameter)} = ${i.secret ? '*** (secret)' : q(i.value)}`);
    return { structured: { store, items, total: page.total, next: page.next }, text: [head, ...lines].join('\n') };
  },
});
