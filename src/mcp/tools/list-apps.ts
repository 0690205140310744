/** list_apps: the workspace's My Apps with their build status. One OSC call. */
import { z } from 'zod';
import { defineTool } from '../tool.js';
import { appLine, appShape, cleanApp } from './app-common.js';
import { READ_ONLY } from './annotations.js';

export default defineTool({
  name: 'list_apps',
  title: 'List my apps',
  description:
    'Lists the apps of your workspace that OSC builds from a Git repository (My Apps), each with its id, URL, source and build status ' +
    '(building, running or failed). Use it to find an app id for get_app, restart_app or read_app_logs. Read-only; spends no OSC tokens.',
  scope: 'osc:read',
  inputSchema: {},
  outputSchema: { apps: z.array(z.object(appShape)) },
  annotations: READ_ONLY,
  async handler(_input, ctx) {
    const apps = (await ctx.osc.listApps(ctx.signal)).map(cleanApp);
    const text =
      apps.length === 0
        ? 'Your workspace has no apps. create_app builds one from a Git repository.'
        : [`${apps.length} apps:`, ...apps.map((a) => `- ${appLine(a)}`)].join('\n');
    return { structured: { apps }, text };
  },
});
