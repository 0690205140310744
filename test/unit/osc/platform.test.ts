/**
 * The in-memory fake of the OSC platform port passes the same contract as the SDK adapter
 * against the emulator (test/integration/osc/sdk-platform.test.ts), so unit tests of the
 * tools may stand on it.
 */
import { defaultWorld, FakeOscPlatform } from '../../support/fakes/osc-platform.js';
import { describeOscPlatform } from '../../support/osc-platform-contract.js';

describeOscPlatform('in-memory fake', async () => {
  const platform = new FakeOscPlatform(defaultWorld());
  return {
    platform,
    subscribed: {
      serviceId: 'minio-minio',
      options: { RootUser: 'admin', RootPassword: 'pw-123456' },
      mandatory: 'RootUser',
      sensitive: 'RootPassword',
    },
    unsubscribed: { serviceId: 'apache-couchdb', options: { AdminPassword: 'pw-123456' } },
    advance: async (ms) => platform.advance(ms),
  };
});
