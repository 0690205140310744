/** list_instances (src/mcp/tools/list-instances.ts) against the in-memory OSC fake. */
import { describe, expect, it } from 'vitest';
import { FakeOscPlatform } from '../../../support/fakes/osc-platform.js';
import { inMemoryMcp, textOf } from '../../../support/mcp-in-memory.js';

const signal = () => AbortSignal.timeout(5_000);

describe('list_instances', () => {
  it('says there are none, then lists name, URL and status, never the configuration', async () => {
    const osc = new FakeOscPlatform();
    const mcp = inMemoryMcp(osc);
    const empty = await mcp.call('list_instances', { serviceId: 'minio-minio' });
    expect(empty.structuredContent).toEqual({ serviceId: 'minio-minio', instances: [], count: 0, truncated: false });
    expect(textOf(empty)).toBe('No instances of minio-minio in your workspace.');

    await osc.createInstance('minio-minio', 'store1', { RootUser: 'admin', RootPassword: 'hunter2secret' }, signal());
    const r = await mcp.call('list_instances', { serviceId: 'minio-minio' });
    expect(r.structuredContent).toEqual({
      serviceId: 'minio-minio',
      instances: [{ name: 'store1', url: 'https://minio-minio-store1.fake.osaas.io', status: 'starting' }],
      count: 1,
      truncated: false,
    });
    expect(textOf(r)).not.toContain('hunter2secret');
  });

  it('an unsubscribed service is a tool result; a bad service id is refused before OSC is asked', async () => {
    const osc = new FakeOscPlatform();
    const mcp = inMemoryMcp(osc);
    const r = await mcp.call('list_instances', { serviceId: 'apache-couchdb' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/not subscribed to service "apache-couchdb"/);
    const bad = await mcp.call('list_instances', { serviceId: '../minio' });
    expect(bad.isError).toBe(true);
    expect(osc.calls.listInstances).toBe(1);
  });
});
