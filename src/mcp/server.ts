/**
 * One `McpServer` per HTTP request (stateless, docs/architecture.md, "The MCP endpoint"; REDIS-08), with only the tools the
 * grant's scopes allow, so `tools/list` shows exactly what the grant may call.
 *
 * Every handler is wrapped: a failure of any kind becomes a result with `isError: true`,
 * our own wording (./failure.ts) and a correlation id, and one scrubbed log line; never a
 * JSON-RPC error (MCP 2025-11-25 tools "Tool Execution Errors"; sentry-mcp `server.ts`).
 * `GrantRevokedError` says "re-authorization required" (UPSTREAM-07); the grant is dead in
 * the store, so the bearer check challenges the client's next request (src/oauth/bearer.ts).
 * A grant whose OSC token needs refreshing when the request arrives never gets here: the
 * bearer check refreshes first and answers 401 (dead) or 503 (OSC or store down) itself.
 * Mid-call, once the transport owns the response, the same failures are tool results.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  inputRequired,
  McpServer,
  type CallToolResult,
  type InputRequiredResult,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/server/validators/ajv';
import type { Logger } from '../log.js';
import type { OscPlatform } from '../osc/platform.js';
import { bounded } from '../osc/bounded.js';
import { UpstreamError } from '../errors.js';
import { describeFailure } from './failure.js';
import {
  REAL_CLOCK,
  type AnyTool,
  type BuildWaitTiming,
  type ProgressUpdate,
  type ToolClock,
  type ToolContext,
} from './tool.js';
import { TOOLS } from './tools/index.js';
import { DEFAULTS } from '../defaults.js';
import { dataOnlyPlatform } from './upstream-data.js';

export const SERVER_INFO = { name: 'osc-mcp', version: '0.1.0' } as const;

const INSTRUCTIONS =
  "Tools act in the signed-in user's own Eyevinn Open Source Cloud (OSC) workspace. Start with list_services; " +
  "describe_service before create_instance. Creating instances spends the user's OSC tokens daily; deleting is permanent.";

export interface McpServerContext {
  osc: OscPlatform;
  /** The grant's scopes (`AuthInfo.scopes`). */
  scopes: readonly string[];
  log: Logger;
  /** The HTTP request's id, for joining tool log lines to the request log line. */
  requestId?: string;
  tools?: readonly AnyTool[];
  /** Default tool deadline (15 s, UPSTREAM-10). */
  deadlineMs?: number;
  /** The grant's instance-create quota (ToolContext.spendCreate). */
  spendCreate?: ToolContext['spendCreate'];
  /** Pacing of the app tools' build waits (src/defaults.ts). */
  buildWait?: BuildWaitTiming;
  /** The clock tools wait on (default the real one; ToolContext.clock). */
  clock?: ToolClock;
  /** The secret page for this grant (ToolContext.secretEntry). */
  secretEntry?: ToolContext['secretEntry'];
  /**
   * Register only these of the grant's tools: the route passes the names a body of
   * `tools/call` messages only calls (see `buildMcpServer`). Absent: every tool the scopes allow.
   */
  only?: ReadonlySet<string>;
}

/** The key under which a 2026-07-28 request's envelope carries the client's capabilities. */
const CLIENT_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';

/**
 * Whether the client declared URL-mode elicitation (`elicitation.url`, MCP 2025-11-25
 * client/elicitation, "Capabilities"). A stateless server learns it only from this request:
 * the 2026-07-28 envelope carries the client's capabilities on every request; a 2025-era
 * `tools/call` arrives without its `initialize`, so the capability is unknown there (false).
 */
export function declaresUrlElicitation(extra: ServerContext): boolean {
  const envelope = extra.mcpReq.envelope as Record<string, unknown> | undefined;
  const caps = (envelope?.[CLIENT_CAPABILITIES] ?? {}) as { elicitation?: { url?: unknown } };
  return typeof caps.elicitation?.url === 'object' && caps.elicitation.url !== null;
}

/** The tools a grant with these scopes may see and call (docs/architecture.md, "The MCP endpoint"). */
export function toolsFor(scopes: readonly string[], tools: readonly AnyTool[] = TOOLS): AnyTool[] {
  return tools.filter((t) => scopes.includes(t.scope));
}

/**
 * One validator for every per-request server: the SDK builds its Ajv engines lazily inside
 * the validator object, so a shared one compiles each schema once per process instead of
 * once per request (SDK v2 `AjvJsonSchemaValidator`, validators/ajv).
 */
const VALIDATOR = new AjvJsonSchemaValidator();

/**
 * Each tool's zod object schemas, built once per process rather than per request, and the
 * JSON Schema the SDK derives from the output schema for `tools/call` (`outputSchemaJson`).
 * The SDK memoises that conversion on the registered tool only, so a per-request server
 * converted the called tool's output schema on every call (zod's toJSONSchema, about a
 * tenth of a millisecond, bench/README.md "Where the CPU goes"); the first conversion is
 * kept here and handed to every later registration. The SDK only reads it.
 */
interface ToolSchemas {
  input: z.ZodObject;
  output: z.ZodObject;
  outputJson?: { value: Record<string, unknown> | undefined };
}
const SCHEMAS = new WeakMap<AnyTool, ToolSchemas>();
function schemasOf(tool: AnyTool): ToolSchemas {
  const cached = SCHEMAS.get(tool);
  if (cached) return cached;
  const input = tool.strict ? z.strictObject(tool.inputSchema) : z.object(tool.inputSchema);
  const built = { input, output: z.object(tool.outputSchema) };
  SCHEMAS.set(tool, built);
  return built;
}

/**
 * The server for one request. With `ctx.only`, just those tools are registered: a body
 * whose every message is a `tools/call` is answered from the called tools alone (the SDK's
 * `tools/call` handler, its input and output checks and its scope challenge look up the one
 * tool named), so registering the other two dozen, about 2 µs each, bought nothing
 * (bench/README.md "Where the CPU goes"). The route only narrows when every name is a tool
 * the grant may call, so the answers are the same as with the full set.
 */
export function buildMcpServer(ctx: McpServerContext): McpServer {
  const server = new McpServer(SERVER_INFO, {
    capabilities: { tools: { listChanged: false } },
    instructions: INSTRUCTIONS,
    jsonSchemaValidator: VALIDATOR,
  });
  const run = toolRunner(ctx);
  const only = ctx.only;
  for (const tool of toolsFor(ctx.scopes, ctx.tools)) {
    if (only && !only.has(tool.name)) continue;
    const schemas = schemasOf(tool);
    const { input, output } = schemas;
    const registered = server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: input,
        outputSchema: output,
        annotations: { title: tool.title, ...tool.annotations },
      },
      (args: Record<string, unknown>, extra: ServerContext) => run(tool, args, extra),
    );
    if (schemas.outputJson) registered.outputSchemaJson = schemas.outputJson.value;
    else schemas.outputJson = { value: registered.outputSchemaJson };
  }
  // The SDK's first registerTool declares `tools.listChanged: true` over ours. A stateless
  // server never sends notifications/tools/list_changed (no session, no standalone
  // stream), so it must not claim to (MCP 2025-11-25 tools, "Capabilities").
  server.server.registerCapabilities({ tools: { listChanged: false } });
  return server;
}

/**
 * A tool call's reference: 12 hex digits, 48 random bits (a v4 UUID's first twelve digits are
 * all random). randomUUID draws from a pool node refills in bulk: 0.5 µs against 3 µs for
 * randomBytes(6) (issue 18).
 */
function correlationIdOf(): string {
  const u = randomUUID();
  return u.slice(0, 8) + u.slice(9, 13);
}

/**
 * What runs a tool once the SDK has validated its arguments (and before it validates the
 * output): the deadline, the platform seen as data only, the failure wording. buildMcpServer
 * registers every tool through it; the FUZZ-01 schema run calls it without a transport.
 */
export function toolRunner(
  ctx: McpServerContext,
): (
  tool: AnyTool,
  args: Record<string, unknown>,
  extra: ServerContext,
) => Promise<CallToolResult | InputRequiredResult> {
  // Upstream text reaches tools, and so the model, only as data (./upstream-data.ts).
  const dataCtx: McpServerContext = { ...ctx, osc: dataOnlyPlatform(ctx.osc) };
  return (tool, args, extra) => runTool(tool, args, extra, dataCtx);
}

async function runTool(
  tool: AnyTool,
  input: Record<string, unknown>,
  extra: ServerContext,
  ctx: McpServerContext,
): Promise<CallToolResult | InputRequiredResult> {
  const correlationId = correlationIdOf();
  const log = ctx.log.child({ tool: tool.name, correlationId, requestId: ctx.requestId });
  const token = extra.mcpReq._meta?.progressToken;
  const progress =
    token === undefined
      ? undefined
      : async (p: ProgressUpdate) => {
          await extra.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, ...p } });
        };
  // The optional members assigned when present rather than spread in (`...(x ? { x } : {})`):
  // V8 builds and copies an object for each spread, about a microsecond apiece on Node 20.
  const toolCtx: Omit<ToolContext, 'signal'> = { osc: ctx.osc, log, clock: ctx.clock ?? REAL_CLOCK, correlationId };
  if (progress) toolCtx.progress = progress;
  if (ctx.spendCreate) toolCtx.spendCreate = ctx.spendCreate;
  if (ctx.buildWait) toolCtx.buildWait = ctx.buildWait;
  if (ctx.secretEntry) toolCtx.secretEntry = ctx.secretEntry;
  if (declaresUrlElicitation(extra)) toolCtx.urlElicitation = true;
  if (extra.mcpReq.inputResponses) toolCtx.inputResponses = extra.mcpReq.inputResponses;
  const started = Date.now();
  try {
    // The tool's deadline and the client's disconnect (UPSTREAM-10, MCP-09), released when the handler settles.
    const out = await bounded(
      extra.mcpReq.signal,
      tool.deadlineMs ?? ctx.deadlineMs ?? DEFAULTS.toolDeadlineMs,
      // Not `{ ...toolCtx, signal }`: on Node 20 a literal that starts with a spread costs V8
      // about a microsecond for each property after it; Object.assign makes the same copy in tens of ns.
      (signal) => tool.handler(input, Object.assign({ signal }, toolCtx)),
    );
    log.info({ event: 'tool', outcome: out.openUrl ? 'input_required' : 'ok', ms: Date.now() - started }, 'tool call');
    // Only a tool that saw `urlElicitation` (a 2026-07-28 request declaring it) asks this.
    if (out.openUrl && toolCtx.urlElicitation)
      return inputRequired({
        inputRequests: {
          [out.openUrl.key]: inputRequired.elicitUrl({ url: out.openUrl.url, message: out.openUrl.message }),
        },
      });
    return {
      content: [{ type: 'text', text: out.text }],
      structuredContent: out.structured as Record<string, unknown>,
    };
  } catch (err) {
    const failure = describeFailure(err, {
      serviceId: typeof input.serviceId === 'string' ? input.serviceId : undefined,
      name: typeof input.name === 'string' ? input.name : undefined,
      writes: !tool.annotations.readOnlyHint,
    });
    // The upstream detail is scrubbed (src/errors.ts) and only ever goes to the log.
    const e = err instanceof Error ? err : new Error('non-error thrown');
    const detail = err instanceof UpstreamError ? { status: err.status, detail: err.detail } : {};
    log[failure.level](
      { event: 'tool', outcome: failure.kind, ms: Date.now() - started, err: e, ...detail },
      'tool call failed',
    );
    return { isError: true, content: [{ type: 'text', text: `${failure.text} (reference ${correlationId})` }] };
  }
}
