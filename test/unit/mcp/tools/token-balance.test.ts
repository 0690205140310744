/** token_balance (src/mcp/tools/token-balance.ts) against the in-memory OSC fake. */
import { describe, expect, it } from 'vitest';
import { defaultWorld, FakeOscPlatform } from '../../../support/fakes/osc-platform.js';
import { inMemoryMcp, textOf } from '../../../support/mcp-in-memory.js';

const signal = () => AbortSignal.timeout(5_000);

describe('token_balance', () => {
  it('names the plan and the tokens left, and follows what instances cost', async () => {
    const osc = new FakeOscPlatform();
    const mcp = inMemoryMcp(osc);
    const before = await mcp.call('token_balance');
    expect(before.structuredContent).toEqual({ plan: 'PROFESSIONAL', remaining: 300, available: 300, used: 0 });
    expect(textOf(before)).toBe('Plan: PROFESSIONAL. 300 OSC tokens left of 300.');
    await osc.createInstance('minio-minio', 'store1', { RootUser: 'admin', RootPassword: 'pw-123456' }, signal());
    expect((await mcp.call('token_balance')).structuredContent).toEqual({
      plan: 'PROFESSIONAL',
      remaining: 297,
      available: 300,
      used: 3,
    });
  });

  it('a plan name from OSC keeps only plain characters (a terminal escape goes whole, DATA-02)', async () => {
    const r = await inMemoryMcp(new FakeOscPlatform({ ...defaultWorld(), plan: 'PRO\u001b[31m<b>' })).call(
      'token_balance',
    );
    expect((r.structuredContent as { plan: string }).plan).toBe('PROb');
  });
});
