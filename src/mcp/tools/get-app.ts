/**
 * get_app: one app's URL, build status, source and config binding; a failed build comes with
 * the end of its output, quoted. 1 OSC call (2 when the build failed).
 */
import { z } from 'zod';
import { defineTool } from '../tool.js';
import { appCall, appIdArg, appReport, appShape, failureShape } from './app-common.js';
import { READ_ONLY } from './annotations.js';

export default defineTool({
  name: 'get_app',
  title: 'Get an app',
  description:
    'Shows one app: its URL, build status (building, running or failed), Git source and ref, and the config store it reads. ' +
    'Call it after create_app or restart_app to see whether the build finished; a failed build comes with the end of its output. Read-only; spends no OSC tokens.',
  scope: 'osc:read',
  inputSchema: { appId: appIdArg },
  outputSchema: { app: z.object(appShape), ...failureShape },
  annotations: READ_ONLY,
  async handler({ appId }, ctx) {
    const found = await appCall({ id: appId }, () => ctx.osc.getApp(appId, ctx.signal));
    const { app, buildOutput, line, build } = await appReport(ctx, found, false);
    return { structured: { app, buildOutput }, text: `App ${line}.\n${build}` };
  },
});
