/** restart_instance (src/mcp/tools/restart-instance.ts) against the in-memory OSC fake. */
import { describe, expect, it } from 'vitest';
import { UpstreamTimeoutError } from '../../../../src/errors.js';
import { FakeOscPlatform } from '../../../support/fakes/osc-platform.js';
import { inMemoryMcp, textOf } from '../../../support/mcp-in-memory.js';

const signal = () => AbortSignal.timeout(5_000);

describe('restart_instance', () => {
  it('restarts: the instance starts again', async () => {
    const osc = new FakeOscPlatform();
    await osc.createInstance('minio-minio', 'store1', { RootUser: 'admin', RootPassword: 'pw-123456' }, signal());
    osc.advance(60_000);
    expect(await osc.instanceHealth('minio-minio', 'store1', signal())).toEqual({ status: 'running' });
    const r = await inMemoryMcp(osc).call('restart_instance', { serviceId: 'minio-minio', name: 'store1' });
    expect(r.structuredContent).toEqual({ serviceId: 'minio-minio', name: 'store1', restarted: true });
    expect(textOf(r)).toBe(
      'Restart of "store1" of "minio-minio" requested; it is starting again. get_instance shows its status.',
    );
    expect(await osc.instanceHealth('minio-minio', 'store1', signal())).toEqual({ status: 'starting' });
  });

  it('an unknown instance is a tool result; a timeout says the outcome is unknown (a write)', async () => {
    const osc = new FakeOscPlatform();
    const mcp = inMemoryMcp(osc);
    const missing = await mcp.call('restart_instance', { serviceId: 'minio-minio', name: 'nosuch' });
    expect(textOf(missing)).toMatch(/^OSC has no instance "nosuch"/);
    await osc.createInstance('minio-minio', 'store1', { RootUser: 'admin', RootPassword: 'pw-123456' }, signal());
    osc.failNext('restartInstance', new UpstreamTimeoutError('OSC did not answer in time'));
    const slow = await mcp.call('restart_instance', { serviceId: 'minio-minio', name: 'store1' });
    expect(slow.isError).toBe(true);
    expect(textOf(slow)).toMatch(/^OSC did not answer in time, so the outcome is unknown/);
  });
});
