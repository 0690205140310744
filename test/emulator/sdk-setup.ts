/**
 * One emulator per test file, redirected for `https://*.osaas.io`, reset before each test,
 * with a fresh PAT and SDK Context for alice (tenant `alice-team`), environment `emu`.
 */
import { Context } from '@osaas/client-core';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { installEmulatorRedirect } from '../../src/osc/emulator-redirect.js';
import { type StartOptions, startTestEmulator, type TestEmulator } from '../support/emulator.js';

export interface SdkWorld {
  emu: TestEmulator;
  ctx: Context;
  pat: string;
  /** POSTs a JSON body to `/__emulator<path>` and expects 200. */
  knob(path: string, body: unknown): Promise<Record<string, unknown>>;
}

export function useSdkEmulator(options: StartOptions): SdkWorld {
  const world = {} as SdkWorld;
  beforeAll(async () => {
    world.emu = await startTestEmulator(options);
    installEmulatorRedirect(world.emu.url);
  });
  afterAll(() => world.emu.close());
  beforeEach(async () => {
    await world.emu.control.reset();
    world.pat = (await world.emu.control.mint('alice')).access_token;
    world.ctx = new Context({ personalAccessToken: world.pat, environment: 'emu' });
  });
  world.knob = async (path, body) => {
    const res = await fetch(`${world.emu.url}/__emulator${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };
  return world;
}
