/**
 * Runs our tools the way a request does — `createSdkPlatform` over the real emulator,
 * `buildMcpServer`, the real SDK `Client` — minus HTTP and OAuth (route.test.ts covers
 * those). One platform and server per call, as the route builds them per request.
 */
import { Writable } from 'node:stream';
import { Client, InMemoryTransport, type CallToolResult } from '@modelcontextprotocol/client';
import { createLogger } from '../../../src/log.js';
import { installOscDispatcher } from '../../../src/osc/dispatcher.js';
import { createSdkPlatform } from '../../../src/osc/sdk-platform.js';
import { SatCache } from '../../../src/osc/sat-cache.js';
import type { SubscriptionCache } from '../../../src/osc/subscription-cache.js';
import { buildMcpServer } from '../../../src/mcp/server.js';
import { startTestEmulator, type StartOptions, type TestEmulator } from '../../support/emulator.js';
import { emulatorCredentials, type EmulatorCredentials } from '../../support/emulator-credentials.js';

export const ENV = 'emu';

/** The emulator, with every `https://*.osaas.io` call of this process sent to it. */
export async function startEmu(opts: StartOptions = {}): Promise<TestEmulator> {
  const emu = await startTestEmulator({ instanceStartMs: 1500, ...opts });
  installOscDispatcher({ emulatorUrl: emu.url, connectTimeoutMs: 2_000, headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 });
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
  onProgress?: (p: { progress: number; total?: number; message?: string }) => void;
}

/** `subscriptionCache`: share subscription lists across calls, as the app does (src/app.ts). */
export async function userSession(emu: TestEmulator, userId: string, opts: { subscriptionCache?: SubscriptionCache } = {}): Promise<UserSession> {
  const credentials = await emulatorCredentials(emu.url, emu.control, userId);
  const satCache = new SatCache();
  const logs: string[] = [];
  const log = createLogger({ level: 'debug', destination: new Writable({
    write: (c, _e, cb) => {
      logs.push(String(c));
      cb();
    },
  }) });
  const tenantId = (await emu.control.mint(userId)).tenantId;

  const connect = async (scopes: string[], o: CallOptions) => {
    const osc = createSdkPlatform({ credentials, environment: ENV, satCache, subscriptionCache: opts.subscriptionCache, log, callTimeoutMs: o.callTimeoutMs });
    const server = buildMcpServer({ osc, scopes, log, deadlineMs: o.deadlineMs });
    const client = new Client({ name: 'test', version: '1' });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(a);
    await client.connect(b);
    const close = async () => {
      await client.close();
      await server.close();
    };
    return { client, close };
  };

  return {
    credentials,
    satCache,
    logs,
    tenantId,
    async call(name, args = {}, o = {}) {
      const { client, close } = await connect(o.scopes ?? ['osc:read', 'osc:write'], o);
      try {
        const onprogress = o.onProgress;
        return (await client.callTool({ name, arguments: args }, {
          timeout: 120_000,
          ...(onprogress ? { onprogress } : {}),
        })) as CallToolResult;
      } finally {
        await close();
      }
    },
    async listTools(scopes = ['osc:read', 'osc:write']) {
      const { client, close } = await connect(scopes, {});
      try {
        return (await client.listTools()).tools.map((t) => t.name);
      } finally {
        await close();
      }
    },
  };
}

export function textOf(r: CallToolResult): string {
  return r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

/** Emulator counters as a delta around `fn`. */
export async function countCalls<T>(emu: TestEmulator, fn: () => Promise<T>): Promise<{ result: T; apiCalls: number; calls: Record<string, number> }> {
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
