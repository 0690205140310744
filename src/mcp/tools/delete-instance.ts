/**
 * delete_instance: permanent. `destructiveHint: true`, and the tool refuses unless the
 * call carries `confirm: true` (MCP-05): a model must stop and ask.
 * Steady state: 2 OSC calls (the SDK's removeInstance reads the catalog first).
 */
import { z } from 'zod';
import { defineTool, instanceNameArg, q, serviceIdArg, ToolInputError } from '../tool.js';

export default defineTool({
  name: 'delete_instance',
  title: 'Delete an instance',
  description:
    'Permanently deletes an instance and its data from your workspace; it stops costing OSC tokens. This cannot be undone. ' +
    'Ask the user first, then call with confirm: true; without it nothing is deleted.',
  scope: 'osc:write',
  inputSchema: {
    serviceId: serviceIdArg,
    name: instanceNameArg,
    confirm: z.boolean().optional().describe('Must be true: the user agreed to delete this instance'),
  },
  outputSchema: { serviceId: z.string(), name: z.string(), deleted: z.boolean() },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async handler({ serviceId, name, confirm }, ctx) {
    if (confirm !== true) {
      throw new ToolInputError(
        `Not deleted. Deleting ${q(name)} of ${q(serviceId)} is permanent and loses its data. Ask the user, then call delete_instance again with confirm: true.`,
      );
    }
    await ctx.osc.deleteInstance(serviceId, name, ctx.signal);
    return { structured: { serviceId, name, deleted: true }, text: `Deleted ${q(name)} of ${q(serviceId)}.` };
  },
});
