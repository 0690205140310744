/**
 * list_services: the services the workspace is subscribed to, the only catalog an OSC
 * user token can read (src/emulator/README.md ("list subscribed services")). One OSC call.
 */
import { z } from 'zod';
import { defineTool } from '../tool.js';
import { cleanText, serviceSummaryShape } from './service-summary.js';
import { READ_ONLY } from './annotations.js';

const MAX_LISTED = 200;

export default defineTool({
  name: 'list_services',
  title: 'List services',
  description:
    'Lists the Open Source Cloud services your workspace is subscribed to: serviceId, title, category, a short description and the indicative price. ' +
    'Use it first to find the serviceId that the other tools take. Read-only; spends no OSC tokens. ' +
    'Optional filters narrow the list by category or by a word in the title or description.',
  scope: 'osc:read',
  inputSchema: {
    category: z
      .string()
      .regex(/^[a-z0-9 -]{1,40}$/, 'category: lowercase words')
      .optional()
      .describe('Only this category, e.g. "database"'),
    query: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe('Only services whose id, title or description contains this text'),
  },
  outputSchema: {
    services: z.array(z.object(serviceSummaryShape)),
    count: z.number().int(),
    truncated: z.boolean(),
  },
  annotations: READ_ONLY,
  async handler({ category, query }, ctx) {
    const needle = query?.toLowerCase();
    const matching = (await ctx.osc.listServices(ctx.signal)).filter(
      (s) =>
        (!category || s.category?.toLowerCase() === category) &&
        (!needle || [s.serviceId, s.title, s.description ?? ''].some((t) => t.toLowerCase().includes(needle))),
    );
    const services = matching.slice(0, MAX_LISTED).map((s) => ({
      serviceId: s.serviceId,
      title: cleanText(s.title, 100) ?? s.serviceId,
      category: s.category,
      description: cleanText(s.description, 300),
      pricing: s.pricing,
    }));
    const truncated = matching.length > services.length;
    const lines = services.map(
      (s) => `- ${s.serviceId}: ${s.title}${s.category ? ` [${s.category}]` : ''}${s.pricing ? ` (${s.pricing})` : ''}`,
    );
    const head =
      services.length === 0
        ? 'No subscribed services match.'
        : `${matching.length} subscribed service(s)${truncated ? `, first ${services.length} shown` : ''}:`;
    return { structured: { services, count: matching.length, truncated }, text: [head, ...lines].join('\n') };
  },
});
