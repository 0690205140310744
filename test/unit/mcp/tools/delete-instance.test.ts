/** delete_instance (src/mcp/tools/delete-instance.ts) against the in-memory OSC fake. */
import { describe, expect, it } from 'vitest';
import { FakeOscPlatform } from '../../../support/fakes/osc-platform.js';
import { inMemoryMcp, textOf } from '../../../support/mcp-in-memory.js';

const signal = () => AbortSignal.timeout(5_000);

async function withInstance(): Promise<FakeOscPlatform> {
  const osc = new FakeOscPlatform();
  await osc.createInstance('minio-minio', 'store1', { RootUser: 'admin', RootPassword: 'pw-123456' }, signal());
  return osc;
}

describe('delete_instance', () => {
  it('without confirm: true nothing is deleted and OSC is not asked (MCP-05)', async () => {
    const osc = await withInstance();
    const mcp = inMemoryMcp(osc);
    for (const confirm of [undefined, false]) {
      const r = await mcp.call('delete_instance', {
        serviceId: 'minio-minio',
        name: 'store1',
        ...(confirm === undefined ? {} : { confirm }),
      });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(
        /^Not deleted\. Deleting "store1" of "minio-minio" is permanent and loses its data\. Ask the user/,
      );
    }
    expect(osc.calls.deleteInstance).toBeUndefined();
    expect(osc.instanceNames('minio-minio')).toEqual(['store1']);
  });

  it('with confirm: true it deletes; a second time the instance is not found', async () => {
    const osc = await withInstance();
    const mcp = inMemoryMcp(osc);
    const r = await mcp.call('delete_instance', { serviceId: 'minio-minio', name: 'store1', confirm: true });
    expect(r.structuredContent).toEqual({ serviceId: 'minio-minio', name: 'store1', deleted: true });
    expect(textOf(r)).toBe('Deleted "store1" of "minio-minio".');
    expect(osc.instanceNames('minio-minio')).toEqual([]);
    const again = await mcp.call('delete_instance', { serviceId: 'minio-minio', name: 'store1', confirm: true });
    expect(textOf(again)).toMatch(/^OSC has no instance "store1" of service "minio-minio"/);
  });
});
