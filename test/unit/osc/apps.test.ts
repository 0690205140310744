/** The in-memory fake's My Apps (test/support/fakes/apps.ts) passes the AppsPort contract. */
import { defaultWorld, FakeOscPlatform } from '../../support/fakes/osc-platform.js';
import { describeAppsPort } from '../../support/apps-contract.js';

describeAppsPort('in-memory fake', async () => {
  const platform = new FakeOscPlatform(defaultWorld());
  return {
    platform,
    finishBuild: async () => platform.advance(1500),
    failNextBuild: async (output) => platform.apps.failNextBuild(output),
    privateRepo: async (url, token) => platform.apps.privateRepo(url, token),
    setRunnerSecret: async (name, value) => platform.apps.setRunnerSecret(name, value),
    store: async () => {
      platform.apps.stores.add('contractstore');
      return 'contractstore';
    },
  };
});
