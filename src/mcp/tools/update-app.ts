/**
 * update_app: changes an app's source ref, config store or Git credential reference; each
 * change makes OSC build the app again (src/emulator/README.md, the PATCH routes). One OSC
 * call per change (two for a config store: its API key travels from OSC to OSC, unseen).
 */
import { z } from 'zod';
import { defineTool, q, ToolInputError } from '../tool.js';
import type { App } from '../../osc/apps.js';
import {
  appCall,
  appIdArg,
  appLine,
  appShape,
  cleanApp,
  gitCredentialArg,
  sourceRefArg,
  storeArg,
} from './app-common.js';
import { SETS } from './annotations.js';

/** An empty string clears the setting. */
const orClear = <T extends z.ZodType<string>>(s: T) => z.union([s, z.literal('')]);

export default defineTool({
  name: 'update_app',
  title: 'Update an app',
  description:
    "Changes an app's branch or tag (ref), the config store it reads (configStore), or the stored secret holding its Git token (gitCredential, a secret NAME); " +
    'an empty string clears a setting. Each change makes OSC build and restart the app, which takes minutes; get_app shows the status. Spends no extra OSC tokens.',
  scope: 'osc:write',
  inputSchema: {
    appId: appIdArg,
    ref: orClear(sourceRefArg).optional().describe('Branch or tag to build; "" for the default branch'),
    configStore: orClear(storeArg).optional().describe('Config store to read settings from; "" to unbind'),
    gitCredential: orClear(gitCredentialArg)
      .optional()
      .describe('Name of the stored secret with the Git token; "" for a public repository'),
  },
  outputSchema: { app: z.object(appShape), changed: z.array(z.enum(['ref', 'configStore', 'gitCredential'])) },
  annotations: SETS,
  async handler({ appId, ref, configStore, gitCredential }, ctx) {
    if (ref === undefined && configStore === undefined && gitCredential === undefined) {
      throw new ToolInputError(
        'Nothing to change: give ref, configStore or gitCredential (an empty string clears one).',
      );
    }
    const changed: Array<'ref' | 'configStore' | 'gitCredential'> = [];
    let app: App | undefined;
    const orNull = (v: string) => (v === '' ? null : v);
    // One change at a time: if one is refused, the text says which were made.
    try {
      if (ref !== undefined) {
        app = await appCall({ id: appId }, () => ctx.osc.setAppSourceRef(appId, orNull(ref), ctx.signal));
        changed.push('ref');
      }
      if (configStore !== undefined) {
        app = await appCall({ id: appId, store: configStore || undefined }, () =>
          ctx.osc.setAppConfigStore(appId, orNull(configStore), ctx.signal),
        );
        changed.push('configStore');
      }
      if (gitCredential !== undefined) {
        app = await appCall({ id: appId }, () => ctx.osc.setAppGitCredential(appId, orNull(gitCredential), ctx.signal));
        changed.push('gitCredential');
      }
    } catch (err) {
      if (changed.length === 0 || !(err instanceof ToolInputError)) throw err;
      throw new ToolInputError(`${err.message} (Already changed: ${changed.join(', ')}.)`);
    }
    const a = cleanApp(app as App);
    return {
      structured: { app: a, changed },
      text: `Updated ${changed.join(', ')} of app ${appLine(a)}. OSC builds it again; this takes minutes, get_app shows the status.${
        gitCredential ? ` The Git token is read from the secret ${q(gitCredential)}; it is not shown here.` : ''
      }`,
    };
  },
});
