/**
 * The bounded wait of create_instance (src/emulator/README.md: the SDK's `waitForInstanceReady` has
 * no timeout). Polls health once a second, reports progress, stops on `running`, on a
 * final state, at the bound, or when the request goes away. Polling failures are not the
 * create's failure: the instance exists, so they end the wait, they do not fail the tool.
 */
import type { ToolContext } from '../tool.js';

export async function waitUntilReady(
  ctx: ToolContext,
  serviceId: string,
  name: string,
  seconds: number,
): Promise<{ ready: boolean; health?: string }> {
  const started = ctx.clock.now();
  let health: string | undefined;
  // Bounded twice: by the clock, and by the number of polls (one per second at most).
  for (let tick = 1; tick <= seconds && ctx.clock.now() - started < seconds * 1000; tick++) {
    try {
      await ctx.clock.sleep(1000, ctx.signal);
      health = (await ctx.osc.instanceHealth(serviceId, name, ctx.signal)).status;
    } catch (err) {
      ctx.log.info({ err: (err as Error).name }, 'create_instance wait stopped early');
      return { ready: false, health };
    }
    if (health === 'running') return { ready: true, health };
    if (health === 'failed' || health === 'stopped') return { ready: false, health };
    const elapsed = Math.min(seconds, Math.round((ctx.clock.now() - started) / 1000));
    await ctx.progress?.({ progress: elapsed, total: seconds, message: `status: ${health}` }).catch(() => undefined);
  }
  return { ready: false, health };
}
