/**
 * delete_app: permanent; refuses without `confirm: true` (MCP-05), like delete_instance.
 * One OSC call.
 */
import { z } from 'zod';
import { q } from '../tool.js';
import { appCall, appIdArg } from './app-common.js';
import { defineDeleteTool } from './confirm.js';

export default defineDeleteTool({
  name: 'delete_app',
  title: 'Delete an app',
  description:
    'Permanently deletes an app from your workspace: it stops running and stops costing OSC tokens; its repository is not touched. ' +
    'Its name stays taken for about a minute. This cannot be undone. Ask the user first, then call with confirm: true; without it nothing is deleted.',
  scope: 'osc:write',
  inputSchema: { appId: appIdArg },
  outputSchema: { appId: z.string(), deleted: z.boolean() },
  what: 'app',
  loss: ({ appId }) => `Deleting app ${q(appId)} is permanent.`,
  async handler({ appId }, ctx) {
    await appCall({ id: appId }, () => ctx.osc.deleteApp(appId, ctx.signal));
    return { structured: { appId, deleted: true }, text: `Deleted app ${q(appId)}.` };
  },
});
