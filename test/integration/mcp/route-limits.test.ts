/**
 * The per-grant tool-call budget of createMcpRoute (INPUT-08): a batch of n calls spends n,
 * and the refusal (429 + Retry-After) comes before JSON-RPC dispatch and before any OSC
 * call. The route is mounted alone here: a stand-in for the bearer check sets `req.auth`
 * (the bearer check itself is tested with the OAuth suite), everything behind is real:
 * the lead's rate limiter, the SDK platform and the emulator.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMcpRoute } from '../../../src/mcp/route.js';
import { createRateLimiter } from '../../../src/grants/rate-limits.js';
import { SatCache } from '../../../src/osc/sat-cache.js';
import { createLogger } from '../../../src/log.js';
import type { TestEmulator } from '../../support/emulator.js';
import { emulatorCredentials } from '../../support/emulator-credentials.js';
import { ENV, startEmu } from './harness.js';

let emu: TestEmulator;
let server: Server;
let url: string;

beforeAll(async () => {
  emu = await startEmu();
  const credentials = await emulatorCredentials(emu.url, emu.control, 'alice');
  const app = express();
  app.post('/mcp', (req, _res, next) => {
    req.auth = { token: 't', clientId: 'c', scopes: ['osc:read', 'osc:write'], extra: { grantId: credentials.grantId } };
    next();
  });
  app.use(
    createMcpRoute({
      credentialsFor: () => credentials,
      oscEnvironment: ENV,
      resourceMetadataUrl: 'http://127.0.0.1/.well-known/oauth-protected-resource/mcp',
      log: createLogger({ level: 'silent' }),
      satCache: new SatCache(),
      limits: { toolCalls: createRateLimiter({ keyPrefix: 'test:tools', points: 4, durationS: 60 }) },
    }),
  );
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await emu?.close();
});

const post = (body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' },
    body: JSON.stringify(body),
  });
const call = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'token_balance', arguments: {} } });

it('INPUT-08: a batch counts as its number of calls; over budget → 429 before any OSC call', async () => {
  const first = await post([call(1), call(2), call(3)]);
  expect(first.status).toBe(200);
  expect(((await first.json()) as unknown[]).length).toBe(3);
  const before = (await emu.control.stats()).apiCalls;
  const second = await post([call(4), call(5)]);
  expect(second.status).toBe(429);
  expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(((await second.json()) as { error: { code: number } }).error.code).toBe(-32000);
  expect((await emu.control.stats()).apiCalls).toBe(before);
  // Requests without tool calls are not counted.
  expect((await post({ jsonrpc: '2.0', id: 9, method: 'ping' })).status).toBe(200);
});
