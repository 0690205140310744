/**
 * delete_app: permanent; refuses without `confirm: true` (MCP-05), like delete_instance.
 * One OSC call.
 */
import { z } from 'zod';
import { defineTool, q } from '../tool.js';
import { appCall, appIdArg } from './app-common.js';
import { confirmArg, requireConfirm } from './confirm.js';

export default defineTool({
  name: 'delete_app',
  title: 'Delete an app',
  description:
    'Permanently deletes an app from your workspace: it stops running and stops costing OSC tokens; its repository is not touched. ' +
    'Its name stays taken for about a minute. This cannot be undone. Ask the user first, then call with confirm: true; without it nothing is deleted.',
  scope: 'osc:write',
  inputSchema: {
    appId: appIdArg,
    confirm: confirmArg('app'),
  },
  outputSchema: { appId: z.string(), deleted: z.boolean() },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async handler({ appId, confirm }, ctx) {
    requireConfirm(confirm, 'delete_app', `Deleting app ${q(appId)} is permanent.`);
    await appCall({ id: appId }, () => ctx.osc.deleteApp(appId, ctx.signal));
    return { structured: { appId, deleted: true }, text: `Deleted app ${q(appId)}.` };
  },
});
