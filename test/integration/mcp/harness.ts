/**
 * Runs our tools the way a request does — `createSdkPlatform` over the real emulator,
 * `buildMcpServer`, the real SDK `Client` — minus HTTP and OAuth (route.test.ts covers
 * those). One platform and server per call, as the route builds them per request.
 */
import type { CallToolResult } from '@modelcontextprotocol/client';
import { installOscDispatcher } from '../../../src/osc/dispatcher.js';
import { createSdkPlatform } from '../../../src/osc/sdk-platform.js';
import { SatCache } from '../../../src/osc/sat-cache.js';
import type { SubscriptionCache } from '../../../src/osc/subscription-cache.js';
import { startTestEmulator, type StartOptions, type TestEmulator } from '../../support/emulator.js';
import { emulatorCredentials, type EmulatorCredentials } from '../../support/emulator-credentials.js';
import { inMemoryMcp, type ToolCallOptions } from '../../support/mcp-in-memory.js';

export { textOf } from '../../support/mcp-in-memory.js';

export const ENV = 'emu';

/** The emulator, with every `https://*.osaas.io` call of this process sent to it. */
export async function startEmu(opts: StartOptions = {}): Promise<TestEmulator> {
  const emu = await startTestEmulator({ instanceStartMs: 1500, ...opts });
  installOscDispatcher({
    emulatorUrl: emu.url,
    connectTimeoutMs: 2_000,
    headersTimeoutMs: 5_000,
    bodyTimeoutMs: 5_000,
  });
  return emu;
}

export interface UserSession {
  credentials: EmulatorCredentials;
  satCache: SatCache;
  logs: string[];
  tenantId: string;
  call(name: string, args?: Record<string, unknown>, opts?: CallOptions): Promise<CallToolResult>;
  listTools(scopes?: string[]): Promise<string[]>;
}

export interface CallOptions {
  scopes?: string[];
  callTimeoutMs?: number;
  deadlineMs?: number;
  buildWait?: ToolCallOptions['buildWait'];
  onProgress?: (p: { progress: number; total?: number; message?: string }) => void;
}

/** `subscriptionCache`: share subscription lists across calls, as the app does (src/app.ts). */
export async function userSession(
  emu: TestEmulator,
  userId: string,
  opts: { subscriptionCache?: SubscriptionCache } = {},
): Promise<UserSession> {
  const credentials = await emulatorCredentials(emu.url, emu.control, userId);
  const satCache = new SatCache();
  const mcp = inMemoryMcp();
  const tenantId = (await emu.control.mint(userId)).tenantId;
  // One platform per call, as the route builds one per request.
  const osc = (callTimeoutMs?: number) =>
    createSdkPlatform({
      credentials,
      environment: ENV,
      satCache,
      subscriptionCache: opts.subscriptionCache,
      log: mcp.log,
      callTimeoutMs,
    });

  return {
    credentials,
    satCache,
    logs: mcp.logs,
    tenantId,
    call: (name, args = {}, o = {}) => mcp.call(name, args, { ...o, osc: osc(o.callTimeoutMs) }),
    listTools: async (scopes) => (await mcp.listTools(scopes, { osc: osc() })).map((t) => t.name),
  };
}

/** Emulator counters as a delta around `fn`. */
export async function countCalls<T>(
  emu: TestEmulator,
  fn: () => Promise<T>,
): Promise<{ result: T; apiCalls: number; calls: Record<string, number> }> {
  const before = await emu.control.stats();
  const result = await fn();
  const after = await emu.control.stats();
  const calls: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.calls)) {
    const d = v - (before.calls[k] ?? 0);
    if (d > 0) calls[k] = d;
  }
  return { result, apiCalls: after.apiCalls - before.apiCalls, calls };
}
