/**
 * Our MCP server for one request, reached by the real SDK client over an in-memory
 * transport: no HTTP, no process. Each call builds a server and closes it afterwards, as
 * the /mcp route does per request (src/mcp/route.ts). Tool unit tests pass the in-memory OSC
 * fake (test/support/fakes/osc-platform.ts), whose clock the tools then wait on; integration
 * tests the SDK adapter, on the real clock.
 */
import { Client, InMemoryTransport, type CallToolResult, type Tool as WireTool } from '@modelcontextprotocol/client';
import { createLogger, type Logger } from '../../src/log.js';
import { buildMcpServer, type McpServerContext } from '../../src/mcp/server.js';
import type { OscPlatform } from '../../src/osc/platform.js';
import type { BuildWaitTiming } from '../../src/mcp/tool.js';
import { DEFAULTS } from '../../src/defaults.js';
import type { ToolClock } from '../../src/mcp/tool.js';
import { FakeOscPlatform } from './fakes/osc-platform.js';
import { logSink } from './log-sink.js';

export const ALL_SCOPES = ['osc:read', 'osc:write'];

/** Build waits look again every 20 ms in tests (src/defaults.ts `appBuildPollMs` is 2 s). */
export const TEST_BUILD_WAIT: BuildWaitTiming = { pollMs: 20, maxMs: DEFAULTS.appBuildWaitMaxMs };

export interface ToolCallOptions {
  /** The platform for this request, instead of the one given to inMemoryMcp. */
  osc?: OscPlatform;
  scopes?: string[];
  deadlineMs?: number;
  spendCreate?: McpServerContext['spendCreate'];
  /** Build-wait pacing; TEST_BUILD_WAIT when absent. */
  buildWait?: BuildWaitTiming;
  /** The clock tools wait on; default the platform's own (the fake's) or the real one. */
  clock?: ToolClock;
  /** The secret page port (set_secret), e.g. src/secrets/entry.ts `secretEntryPort` over a memory store. */
  secretEntry?: McpServerContext['secretEntry'];
  onProgress?: (p: { progress: number; total?: number; message?: string }) => void;
}

export interface InMemoryMcp {
  /** The server's logger (debug level); hand it to a platform so its lines land in `logs` too. */
  log: Logger;
  /** Every line logged, for assertions and leak scans. */
  logs: string[];
  call(name: string, args?: Record<string, unknown>, o?: ToolCallOptions): Promise<CallToolResult>;
  listTools(scopes?: string[], o?: { osc?: OscPlatform }): Promise<WireTool[]>;
}

export function inMemoryMcp(osc?: OscPlatform): InMemoryMcp {
  const sink = logSink();
  const log = createLogger({ level: 'debug', destination: sink.stream });

  const session = async <T>(o: ToolCallOptions, use: (client: Client) => Promise<T>): Promise<T> => {
    const platform = o.osc ?? osc;
    if (!platform) throw new Error('inMemoryMcp: no OSC platform for this request');
    const server = buildMcpServer({
      osc: platform,
      scopes: o.scopes ?? ALL_SCOPES,
      log,
      deadlineMs: o.deadlineMs,
      spendCreate: o.spendCreate,
      buildWait: o.buildWait ?? TEST_BUILD_WAIT,
      clock: o.clock ?? (platform instanceof FakeOscPlatform ? platform.clock : undefined),
      secretEntry: o.secretEntry,
    });
    const client = new Client({ name: 'test', version: '1' });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(a);
    await client.connect(b);
    try {
      return await use(client);
    } finally {
      await client.close();
      await server.close();
    }
  };

  return {
    log,
    logs: sink.lines,
    call: (name, args = {}, o = {}) =>
      session(o, async (client) => {
        const onprogress = o.onProgress;
        return (await client.callTool(
          { name, arguments: args },
          { timeout: 120_000, ...(onprogress ? { onprogress } : {}) },
        )) as CallToolResult;
      }),
    listTools: (scopes = ALL_SCOPES, o = {}) =>
      session({ scopes, osc: o.osc }, async (client) => (await client.listTools()).tools),
  };
}

/** The text of a tool result, its content blocks joined. */
export function textOf(r: CallToolResult): string {
  return r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}
