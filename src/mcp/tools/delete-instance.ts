/**
 * delete_instance: permanent. `destructiveHint: true`, and the tool refuses unless the
 * call carries `confirm: true` (MCP-05, ./confirm.ts): a model must stop and ask.
 * Steady state: 2 OSC calls (the SDK's removeInstance reads the catalog first).
 */
import { z } from 'zod';
import { instanceArgs, q } from '../tool.js';
import { defineDeleteTool } from './confirm.js';

export default defineDeleteTool({
  name: 'delete_instance',
  title: 'Delete an instance',
  description:
    'Permanently deletes an instance and its data from your workspace; it stops costing OSC tokens. This cannot be undone. ' +
    'Ask the user first, then call with confirm: true; without it nothing is deleted.',
  scope: 'osc:write',
  inputSchema: instanceArgs,
  outputSchema: { serviceId: z.string(), name: z.string(), deleted: z.boolean() },
  what: 'instance',
  loss: ({ serviceId, name }) => `Deleting ${q(name)} of ${q(serviceId)} is permanent and loses its data.`,
  async handler({ serviceId, name }, ctx) {
    await ctx.osc.deleteInstance(serviceId, name, ctx.signal);
    return { structured: { serviceId, name, deleted: true }, text: `Deleted ${q(name)} of ${q(serviceId)}.` };
  },
});
