/**
 * list_instances: the workspace's instances of one service. Two OSC calls (the catalog
 * read that yields the service's API address, then the list). Credentials redacted.
 */
import { z } from 'zod';
import { defineTool, serviceIdArg } from '../tool.js';
import { redactInstance } from '../redact.js';
import { READ_ONLY } from './annotations.js';

const MAX_LISTED = 200;

export default defineTool({
  name: 'list_instances',
  title: 'List instances',
  description:
    'Lists the instances of one service in your workspace, with name, URL and status. ' +
    "Use get_instance for one instance's full configuration. Read-only; spends no OSC tokens. Fails if the workspace is not subscribed to the service.",
  scope: 'osc:read',
  inputSchema: { serviceId: serviceIdArg },
  outputSchema: {
    serviceId: z.string(),
    instances: z.array(z.object({ name: z.string(), url: z.string().optional(), status: z.string().optional() })),
    count: z.number().int(),
    truncated: z.boolean(),
  },
  annotations: READ_ONLY,
  async handler({ serviceId }, ctx) {
    const all = await ctx.osc.listInstances(serviceId, ctx.signal);
    const instances = all.slice(0, MAX_LISTED).map((i) => {
      const r = redactInstance(i);
      return { name: r.name, url: r.url, status: r.status };
    });
    const truncated = all.length > instances.length;
    const head =
      all.length === 0
        ? `No instances of ${serviceId} in your workspace.`
        : `${all.length} instance(s) of ${serviceId}${truncated ? `, first ${instances.length} shown` : ''}:`;
    const lines = instances.map((i) => `- ${i.name}${i.status ? ` [${i.status}]` : ''}${i.url ? ` ${i.url}` : ''}`);
    return { structured: { serviceId, instances, count: all.length, truncated }, text: [head, ...lines].join('\n') };
  },
});
