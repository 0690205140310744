/**
 * delete_instance: permanent. `destructiveHint: true`, and the tool refuses unless the
 * call carries `confirm: true` (MCP-05): a model must stop and ask.
 * Steady state: 2 OSC calls (the SDK's removeInstance reads the catalog first).
 */
import { z } from 'zod';
import { defineTool, instanceNameArg, q, serviceIdArg } from '../tool.js';
import { confirmArg, requireConfirm } from './confirm.js';

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
    confirm: confirmArg('instance'),
  },
  outputSchema: { serviceId: z.string(), name: z.string(), deleted: z.boolean() },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async handler({ serviceId, name, confirm }, ctx) {
    requireConfirm(
      confirm,
      'delete_instance',
      `Deleting ${q(name)} of ${q(serviceId)} is permanent and loses its data.`,
    );
    await ctx.osc.deleteInstance(serviceId, name, ctx.signal);
    return { structured: { serviceId, name, deleted: true }, text: `Deleted ${q(name)} of ${q(serviceId)}.` };
  },
});
