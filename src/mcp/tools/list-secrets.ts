/**
 * list_secrets: the names of a service's secrets in the workspace. OSC never returns values
 * (src/emulator/README.md, `GET /mysecrets`), so none can reach a model. One OSC call.
 */
import { z } from 'zod';
import { defineTool, serviceIdArg } from '../tool.js';
import { stripControls } from '../sanitize-logs.js';
import { READ_ONLY } from './annotations.js';

const MAX_LISTED = 200;

export default defineTool({
  name: 'list_secrets',
  title: 'List service secrets',
  description:
    'Lists the NAMES of the secrets a service has in your workspace (never their values). Use it to check that a secret exists, ' +
    'or to find the name to use as "{{secrets.<name>}}" in create_instance options. Read-only; spends no OSC tokens.',
  scope: 'osc:read',
  inputSchema: { serviceId: serviceIdArg },
  outputSchema: { serviceId: z.string(), names: z.array(z.string()), count: z.number().int(), truncated: z.boolean() },
  annotations: READ_ONLY,
  async handler({ serviceId }, ctx) {
    const all = await ctx.osc.listSecrets(serviceId, ctx.signal);
    const names = all.slice(0, MAX_LISTED).map((n) => stripControls(n).slice(0, 64));
    const truncated = all.length > names.length;
    const text =
      all.length === 0
        ? `Service ${serviceId} has no secrets in your workspace.`
        : `${all.length} secret(s) of ${serviceId}${truncated ? `, first ${names.length} shown` : ''} (names only; values are never shown):\n${names.map((n) => `- ${n} → use as "{{secrets.${n}}}"`).join('\n')}`;
    return { structured: { serviceId, names, count: all.length, truncated }, text };
  },
});
