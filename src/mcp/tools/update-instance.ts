/**
 * update_instance: changes options of an existing instance in place (PATCH on its own link,
 * src/emulator/README.md); OSC restarts it with the new options. Services that take no updates
 * answer with their router's 404, which the port turns into `UpdateNotSupportedError` and
 * src/mcp/failure.ts into a sentence on the alternative and its cost. Never retried.
 * Steady state: 2 OSC calls (catalog for the option check, the PATCH).
 */
import { z } from 'zod';
import { defineTool, instanceArgs, instanceShape, optionsArg, q, ToolInputError } from '../tool.js';
import { checkUpdate, plainSensitive, plainSensitiveNote } from '../options.js';
import { redactInstance } from '../redact.js';
import { SETS } from './annotations.js';

export default defineTool({
  name: 'update_instance',
  title: 'Change options of an instance',
  description:
    'Changes options of an existing instance without deleting it; OSC restarts it with the new options (a short interruption) and the data stays. ' +
    'Only the options given change. Some services do not support this: the result then says so; the alternative, delete and create again, loses the data. ' +
    'Spends no extra OSC tokens. Secret options may be "{{secrets.<name>}}" references.',
  scope: 'osc:write',
  inputSchema: {
    ...instanceArgs,
    options: optionsArg.describe('The options to change, by name as describe_service lists them'),
  },
  outputSchema: { instance: z.object(instanceShape), changed: z.array(z.string()), plainSecrets: z.array(z.string()) },
  annotations: SETS,
  async handler({ serviceId, name, options }, ctx) {
    const service = await ctx.osc.describeService(serviceId, ctx.signal);
    const check = checkUpdate(service, options);
    if (check.problems.length > 0) {
      throw new ToolInputError(
        `Nothing was changed on ${q(name)} of ${q(serviceId)}:\n- ${check.problems.join('\n- ')}\ndescribe_service lists every option.`,
      );
    }
    const instance = redactInstance(await ctx.osc.updateInstance(serviceId, name, check.body, ctx.signal));
    const changed = Object.keys(check.body);
    const plain = plainSensitive(service, check.body);
    return {
      structured: { instance, changed, plainSecrets: plain },
      text: `Changed ${changed.map((c) => q(c)).join(', ')} on ${q(name)} of ${q(serviceId)}; it is restarting with the new options.${plainSensitiveNote(plain)}`,
    };
  },
});
