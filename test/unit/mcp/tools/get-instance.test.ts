/** get_instance (src/mcp/tools/get-instance.ts) against the in-memory OSC fake. */
import { describe, expect, it } from 'vitest';
import { defaultWorld, FakeOscPlatform } from '../../../support/fakes/osc-platform.js';
import { inMemoryMcp, textOf } from '../../../support/mcp-in-memory.js';

const signal = () => AbortSignal.timeout(5_000);

describe('get_instance', () => {
  it('shows the document with the catalog-flagged secret redacted and the rest as OSC said', async () => {
    // A start delay no loaded machine reaches between create and read: the status stays `starting`.
    const osc = new FakeOscPlatform({ ...defaultWorld(), startMs: 3_600_000 });
    await osc.createInstance('minio-minio', 'store1', { RootUser: 'admin', RootPassword: 'hunter2secret' }, signal());
    const r = await inMemoryMcp(osc).call('get_instance', { serviceId: 'minio-minio', name: 'store1' });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toEqual({
      serviceId: 'minio-minio',
      name: 'store1',
      url: 'https://minio-minio-store1.fake.osaas.io',
      status: 'starting',
      fields: { RootUser: 'admin', RootPassword: '[redacted]' },
    });
    expect(textOf(r)).toBe(
      [
        'Instance store1 of minio-minio [starting]: https://minio-minio-store1.fake.osaas.io',
        '- RootUser: admin',
        '- RootPassword: [redacted]',
      ].join('\n'),
    );
  });

  it('an unknown instance is a tool result pointing at list_instances', async () => {
    const r = await inMemoryMcp(new FakeOscPlatform()).call('get_instance', {
      serviceId: 'minio-minio',
      name: 'nosuch',
    });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(
      /^OSC has no instance "nosuch" of service "minio-minio" in your workspace\. list_instances shows/,
    );
  });
});
