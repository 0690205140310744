/**
 * The SDK adapter's My Apps (src/osc/sdk-apps.ts) over the real emulator passes the AppsPort
 * contract the in-memory fake passes too (test/unit/osc/apps.test.ts). As alice, from a reset
 * emulator each case.
 */
import { afterAll, beforeAll } from 'vitest';
import { createSdkPlatform } from '../../../src/osc/sdk-platform.js';
import { SatCache } from '../../../src/osc/sat-cache.js';
import { emulatorCredentials } from '../../support/emulator-credentials.js';
import { describeAppsPort } from '../../support/apps-contract.js';
import { appsKnobs } from '../../support/apps-emulator.js';
import { ENV, startEmu } from '../mcp/harness.js';
import type { TestEmulator } from '../../support/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startEmu();
});
afterAll(async () => {
  await emu.close();
});

describeAppsPort('SDK adapter over the emulator', async () => {
  await emu.control.reset();
  const credentials = await emulatorCredentials(emu.url, emu.control, 'alice');
  const pat = async () => (await credentials.accessToken()) ?? '';
  const knobs = appsKnobs(emu.url, ENV);
  return {
    platform: createSdkPlatform({ credentials, environment: ENV, satCache: new SatCache() }),
    finishBuild: () => emu.control.advanceClock(2),
    failNextBuild: (output) => knobs.failNextBuild(output),
    privateRepo: (url, token) => knobs.repo(url, { token }),
    setRunnerSecret: async (name, value) => knobs.runnerSecret(await pat(), name, value),
    store: async () => knobs.store(await pat(), 'contractstore'),
  };
});
