/**
 * The SDK adapter (src/osc/sdk-platform.ts) over the real emulator passes the OscPlatform
 * contract that the in-memory fake passes too (test/unit/osc/platform.test.ts). Each case
 * starts from a reset emulator and a fresh adapter, as alice (subscribed to MinIO, not to
 * CouchDB).
 */
import { afterAll, beforeAll } from 'vitest';
import { createSdkPlatform } from '../../../src/osc/sdk-platform.js';
import { SatCache } from '../../../src/osc/sat-cache.js';
import { emulatorCredentials } from '../../support/emulator-credentials.js';
import { describeOscPlatform } from '../../support/osc-platform-contract.js';
import { ENV, startEmu } from '../mcp/harness.js';
import type { TestEmulator } from '../../support/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startEmu();
});
afterAll(async () => {
  await emu.close();
});

describeOscPlatform('SDK adapter over the emulator', async () => {
  await emu.control.reset();
  const credentials = await emulatorCredentials(emu.url, emu.control, 'alice');
  return {
    platform: createSdkPlatform({ credentials, environment: ENV, satCache: new SatCache() }),
    subscribed: {
      serviceId: 'minio-minio',
      options: { RootUser: 'admin', RootPassword: 'pw-123456' },
      mandatory: 'RootUser',
      sensitive: 'RootPassword',
    },
    unsubscribed: { serviceId: 'apache-couchdb', options: { AdminPassword: 'pw-123456' } },
    advance: (ms) => emu.control.advanceClock(Math.ceil(ms / 1000)),
  };
});
