/**
 * restart_instance: restarts one instance (`POST /restart/<name>`, src/emulator/README.md). Not
 * retried on an ambiguous failure. Steady state: 2 OSC calls.
 */
import { z } from 'zod';
import { defineTool, instanceArgs, q } from '../tool.js';
import { WRITES } from './annotations.js';

export default defineTool({
  name: 'restart_instance',
  title: 'Restart an instance',
  description:
    'Restarts one instance, e.g. after it stopped responding. It is unavailable for a short while; its data and configuration are kept. ' +
    'Spends no extra OSC tokens.',
  scope: 'osc:write',
  inputSchema: instanceArgs,
  outputSchema: { serviceId: z.string(), name: z.string(), restarted: z.boolean() },
  annotations: WRITES,
  async handler({ serviceId, name }, ctx) {
    await ctx.osc.restartInstance(serviceId, name, ctx.signal);
    return {
      structured: { serviceId, name, restarted: true },
      text: `Restart of ${q(name)} of ${q(serviceId)} requested; it is starting again. get_instance shows its status.`,
    };
  },
});
