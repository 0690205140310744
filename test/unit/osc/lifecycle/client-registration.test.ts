// FLOOD-04, the registration circuit alone (src/osc/lifecycle/client-registration.ts): while
// OSC refuses our dynamic registration, no new one is tried before the pause ends; the pause
// doubles per failure up to its cap, is said as Retry-After, and a success resets it. An
// injected clock and a fake OSC OAuth client: nothing leaves the process, nothing waits.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../src/log.js';
import { createOscClientProvider } from '../../../../src/osc/lifecycle/client-registration.js';
import type { OscOAuthClient } from '../../../../src/osc/oauth-client.js';
import { MemoryTokenStore } from '../../../../src/storage/memory-store.js';
import { createSealer } from '../../../../src/storage/seal.js';
import { UpstreamUnavailableError } from '../../../../src/errors.js';

function setup(opts: { backoffMs: number; backoffMaxMs: number }) {
  let t = 1_700_000_000_000;
  let failing = true;
  let registrations = 0;
  const oauth = {
    async register() {
      registrations += 1;
      if (failing) throw new UpstreamUnavailableError('OSC registration answered 503');
      return { clientId: `osc-${registrations}`, clientSecret: 's' };
    },
  } as unknown as OscOAuthClient;
  const provider = createOscClientProvider({
    store: new MemoryTokenStore({ now: () => t, sweepIntervalMs: 0 }),
    oauth,
    sealer: createSealer([Buffer.alloc(32, 9)]),
    redirectUri: 'https://mcp.example/oauth/callback',
    log: createLogger({ level: 'silent' }),
    now: () => t,
    ...opts,
  });
  return {
    provider,
    advance: (ms: number) => {
      t += ms;
    },
    heal: () => {
      failing = false;
    },
    registrations: () => registrations,
  };
}

async function retryAfter(p: Promise<unknown>): Promise<number | undefined> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UpstreamUnavailableError);
  return (err as UpstreamUnavailableError).retryAfterS;
}

describe('FLOOD-04: OSC registration backs off after a failure', () => {
  it('one registration per pause, the pause doubling to its cap and said as Retry-After; a success resets it', async () => {
    const s = setup({ backoffMs: 5_000, backoffMaxMs: 20_000 });
    expect(await retryAfter(s.provider.current())).toBe(5);
    for (let i = 0; i < 50; i++) await retryAfter(s.provider.current());
    expect(s.registrations()).toBe(1);
    s.advance(4_000);
    expect(await retryAfter(s.provider.current())).toBe(1);
    expect(s.registrations()).toBe(1);

    s.advance(1_000);
    expect(await retryAfter(s.provider.current())).toBe(10);
    s.advance(10_000);
    expect(await retryAfter(s.provider.current())).toBe(20);
    s.advance(20_000);
    expect(await retryAfter(s.provider.current())).toBe(20); // capped
    expect(s.registrations()).toBe(4);

    s.heal();
    s.advance(20_000);
    expect((await s.provider.current()).clientId).toBe('osc-5');
    expect((await s.provider.current()).clientId).toBe('osc-5'); // kept, not registered again
    expect(s.registrations()).toBe(5);
  });

  it('concurrent sign-ins during the first attempt share it: one registration', async () => {
    const s = setup({ backoffMs: 5_000, backoffMaxMs: 300_000 });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => s.provider.current()));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(s.registrations()).toBe(1);
  });
});
