/**
 * delete_secret: permanent; instances that reference the secret fail at their next start
 * (src/emulator/README.md: a missing secret fails the start). Refused without `confirm: true` (MCP-05).
 * One OSC call.
 */
import { z } from 'zod';
import { q, secretNameArg, serviceIdArg } from '../tool.js';
import { defineDeleteTool } from './confirm.js';
import { rethrowMissing } from './not-found.js';

export default defineDeleteTool({
  name: 'delete_secret',
  title: 'Delete a service secret',
  description:
    'Permanently deletes a service secret from your workspace. Instances that use it as "{{secrets.<name>}}" fail at their next start or restart. ' +
    'Ask the user first, then call with confirm: true; without it nothing is deleted. Spends no OSC tokens.',
  scope: 'osc:write',
  inputSchema: { serviceId: serviceIdArg, secretName: secretNameArg },
  outputSchema: { serviceId: z.string(), secretName: z.string(), deleted: z.boolean() },
  what: 'secret',
  loss: ({ serviceId, secretName }) =>
    `Deleting secret ${q(secretName)} of ${q(serviceId)} is permanent, and instances that use it fail at their next start.`,
  async handler({ serviceId, secretName }, ctx) {
    await ctx.osc
      .deleteSecret(serviceId, secretName, ctx.signal)
      .catch((err: unknown) =>
        rethrowMissing(
          err,
          `Service ${q(serviceId)} has no secret ${q(secretName)} in your workspace; list_secrets shows the names that exist.`,
        ),
      );
    return {
      structured: { serviceId, secretName, deleted: true },
      text: `Deleted secret ${q(secretName)} of ${q(serviceId)}.`,
    };
  },
});
