/**
 * restart_app: restarts an app; `rebuild` pulls the source and builds a fresh image
 * (src/emulator/README.md, `PUT /myapps/:id[?rebuild=true]`). Returns at once; optional
 * bounded wait as create_app. 1 OSC call + polls.
 */
import { z } from 'zod';
import { defineTool } from '../tool.js';
import {
  appCall,
  appIdArg,
  appReport,
  appShape,
  failureShape,
  MAX_BUILD_WAIT_S,
  waitArg,
  waitForBuild,
} from './app-common.js';
import { WRITES } from './annotations.js';

export default defineTool({
  name: 'restart_app',
  title: 'Restart or rebuild an app',
  description:
    'Restarts one app; with rebuild: true it first pulls the latest code from its Git repository and builds it again (what to use after pushing a fix). ' +
    'The app is unavailable while it restarts. Returns at once; set wait (seconds, at most 120) to wait for the build, or check get_app later. Spends no extra OSC tokens.',
  scope: 'osc:write',
  inputSchema: {
    appId: appIdArg,
    rebuild: z.boolean().optional().describe('Pull the latest code and build again (default false: restart only)'),
    wait: waitArg,
  },
  outputSchema: { app: z.object(appShape), rebuilt: z.boolean(), waited: z.boolean(), ...failureShape },
  annotations: WRITES,
  deadlineMs: 15_000 + MAX_BUILD_WAIT_S * 1000 + 10_000,
  async handler({ appId, rebuild = false, wait = 0 }, ctx) {
    const started = await appCall({ id: appId }, () => ctx.osc.restartApp(appId, rebuild, ctx.signal));
    const { app: raw, waited } = await waitForBuild(ctx, started, wait, 'restart_app');
    const { app, buildOutput, line, build } = await appReport(ctx, raw, waited);
    return {
      structured: { app, rebuilt: rebuild, waited, buildOutput },
      text: `${rebuild ? 'Rebuild' : 'Restart'} of app ${line} started. ${build}`,
    };
  },
});
