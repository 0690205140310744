/**
 * `POST /mcp`: Streamable HTTP, stateless (docs/architecture.md, "The MCP endpoint"), serving both protocol eras on one
 * endpoint with the MCP SDK v2 (docs/mcp-revisions.md): MCP 2025-11-25 clients (the
 * `initialize` handshake, no per-request metadata) and MCP 2026-07-28 clients
 * (`server/discover`, the per-request `_meta` envelope, `Mcp-Method`/`Mcp-Name` headers).
 * It runs after the bearer check's first phase, which sets `req.auth` from the access token;
 * the second phase (`admit`: grant, suspension, call budget, in one store round trip) runs
 * here once the body is parsed. The SDK transport lives in this module only.
 *
 * Before the SDK sees anything, for both eras alike: Content-Type (415), a 64 KB body
 * limit read here and answered 413 with the connection closed (INPUT-01), JSON parse and a
 * nesting bound (400 -32700, INPUT-02), batch size (400 -32600), per-tool scope (403
 * insufficient_scope, OAUTH-35: a `tools/call` of any message of a batch beyond the
 * grant's scopes refuses the whole request, before any OSC call), then `admit`: the grant
 * (401 once revoked) and the per-grant call budget (429, INPUT-08). Scope is judged on the body, which is what runs, so a request
 * whose `Mcp-Name` header disagrees with its body gets 403 when the body names a tool the
 * grant may not call, and the SDK's 400 -32020 HeaderMismatch otherwise.
 *
 * Then the era, decided by the SDK's own classifier (`isLegacyRequest`, the step
 * `createMcpHandler` routes on): a 2025-era body goes to a v2 Streamable HTTP transport
 * per request, answered as JSON unless some `tools/call` carries a `progressToken` (then
 * SSE, the only way progress can travel), as before; everything else goes to one
 * `createMcpHandler` in `legacy: 'reject'` posture, which owns every 2026-07-28 answer
 * (discover, HeaderMismatch -32020, UnsupportedProtocolVersion -32022, the envelope
 * checks) and upgrades a response to SSE only when a handler sends progress.
 * `GET`/`DELETE /mcp` → 405 `Allow: POST`: there is no session and no standalone stream.
 */
import express, { type Request, type Response, type Router } from 'express';
import {
  createMcpHandler,
  isLegacyRequest,
  WebStandardStreamableHTTPServerTransport,
  type AuthInfo,
  type McpHandlerRequestOptions,
} from '@modelcontextprotocol/server';
import { serveWebHandler } from './node-handler.js';
import type { Logger } from '../log.js';
import type { OscPlatform } from '../osc/platform.js';
import { sendInsufficientScope, sendUnauthorized } from '../oauth/challenge.js';
import { buildMcpServer, type McpServerContext } from './server.js';
import type { SecretEntryPort } from './tool.js';
import { findTool } from './tools/index.js';
import type { BuildWaitTiming } from './tool.js';
import { MAX_JSON_DEPTH, messagesOf, methodLabel, nestsDeeperThan, toolCallsOf } from './wire.js';
import { GrantRevokedError, isUnavailable } from '../errors.js';
import { RPC, sendJsonRpcError, sendJsonRpcUnavailable } from '../http/json-rpc.js';

/** Same shape as the rate limiter (src/storage/rate-limits.ts). */
export interface CallLimiter {
  consume(key: string, points?: number): Promise<{ allowed: boolean; retryAfterS: number }>;
}

export interface McpRouteDeps {
  /** The OSC port for one authenticated request (the composition root picks the adapter). */
  platformFor(auth: AuthInfo): OscPlatform;
  /** The secret page for the authenticated grant (set_secret); absent = set_secret says it is unavailable. */
  secretEntryFor?(auth: AuthInfo): SecretEntryPort;
  resourceMetadataUrl: string;
  log: Logger;
  /**
   * The bearer check's second phase (src/oauth/bearer.ts `admit`), once the body says how many
   * tool calls it holds: token, grant, suspension and the per-grant tool-call budget (INPUT-08;
   * a batch of n calls spends n) in one store round trip. It answers a refused request itself.
   */
  admit?(req: Request, res: Response, toolCalls: number): Promise<boolean>;
  limits?: {
    /** Request body limit (default 64 KB, INPUT-06). */
    maxBodyBytes?: number;
    /** create_instance attempts per grant, spent by the tool when it sends a create (INPUT-08). */
    instanceCreates?: CallLimiter;
    /** Default tool deadline (15 s), UPSTREAM-10. */
    toolDeadlineMs?: number;
    /** Pacing of the app tools' build waits (src/defaults.ts `appBuildPollMs`, `appBuildWaitMaxMs`). */
    buildWait?: BuildWaitTiming;
  };
}

const MAX_BATCH = 100;
/** Subscription streams one replica keeps open (2026-07-28 `subscriptions/listen`); ours never carry a notification. */
const MAX_LISTEN_STREAMS = 256;

/**
 * Runs `fn` with no stack captured for the errors it constructs synchronously (V8
 * `Error.stackTraceLimit`). Capturing one costs some 20 µs; the SDK's close builds an error
 * per request that no one reads.
 */
function stackless(fn: () => void): void {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    fn();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Reads the body up to `limit` bytes without ever holding more. */
function readBody(req: Request, limit: number): Promise<{ text?: string; tooLarge: boolean }> {
  if (Number(req.headers['content-length']) > limit) return Promise.resolve({ tooLarge: true });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.off('data', onData).off('end', onEnd).pause();
        return resolve({ tooLarge: true });
      }
      chunks.push(c);
    };
    const onEnd = () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge: false });
    req.on('data', onData).on('end', onEnd).on('error', reject);
  });
}

export function createMcpRoute(deps: McpRouteDeps): Router {
  const { log, resourceMetadataUrl } = deps;
  const maxBody = deps.limits?.maxBodyBytes ?? 64 * 1024;
  const router = express.Router();
  const onerror = (err: Error) => log.debug({ event: 'mcp_sdk', err }, 'MCP SDK reported');

  // One per-request server context per Request object the Node adapter builds; the modern
  // handler's factory finds it there (McpRequestContext.requestInfo is that Request).
  const contexts = new WeakMap<globalThis.Request, McpServerContext>();
  const modern = createMcpHandler(
    ({ requestInfo }) => {
      const ctx = requestInfo && contexts.get(requestInfo);
      if (!ctx) throw new Error('no server context for this request');
      return buildMcpServer(ctx);
    },
    { legacy: 'reject', responseMode: 'auto', maxSubscriptions: MAX_LISTEN_STREAMS, onerror },
  );

  /** A 2025-era request: a fresh server on a fresh stateless transport (MCP 2025-11-25 transports). */
  async function serveLegacy(
    request: globalThis.Request,
    opts: McpHandlerRequestOptions,
    ctx: McpServerContext,
    streaming: boolean,
    res: Response,
  ): Promise<globalThis.Response> {
    const server = buildMcpServer(ctx);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: !streaming,
    });
    transport.onerror = onerror;
    // Closing aborts every running handler's signal, so a client that leaves cancels
    // its upstream calls too (MCP-09; REDIS-08: nothing outlives the request). The SDK
    // builds a "Connection closed" error on every close, handed to nothing once the answer
    // is written; built without a stack it costs a tenth (bench/README.md "Where the CPU goes").
    res.on('close', () =>
      stackless(() => {
        void transport.close().catch(() => undefined);
        void server.close().catch(() => undefined);
      }),
    );
    await server.connect(transport);
    return transport.handleRequest(request, opts);
  }

  router.post('/mcp', async function mcp(req: Request, res: Response) {
    const auth = req.auth;
    if (!auth) return sendUnauthorized(res, { resourceMetadataUrl, description: 'a bearer token is required' });
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      return sendJsonRpcError(
        res,
        415,
        RPC.serverError,
        'Unsupported Media Type: Content-Type must be application/json',
      );
    }
    const body = await readBody(req, maxBody).catch(() => ({ tooLarge: false, text: undefined }));
    if (body.tooLarge) {
      res.set('Connection', 'close');
      return sendJsonRpcError(
        res,
        413,
        RPC.serverError,
        `Payload Too Large: the request body must not exceed ${maxBody} bytes`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.text ?? '');
    } catch {
      return sendJsonRpcError(res, 400, RPC.parseError, 'Parse error: Invalid JSON');
    }
    if (nestsDeeperThan(parsed, MAX_JSON_DEPTH))
      return sendJsonRpcError(
        res,
        400,
        RPC.parseError,
        `Parse error: JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
      );
    const messages = messagesOf(parsed);
    if (Array.isArray(parsed) && parsed.length > MAX_BATCH)
      return sendJsonRpcError(
        res,
        400,
        RPC.invalidRequest,
        `Invalid Request: a batch must not exceed ${MAX_BATCH} messages`,
      );
    const calls = toolCallsOf(messages);
    res.locals.mcpMethod = methodLabel(parsed);

    // A body of tool calls only, each naming a tool the grant may call, needs those tools
    // registered and no others (buildMcpServer, `only`).
    let only: Set<string> | undefined = calls.length > 0 && calls.length === messages.length ? new Set() : undefined;
    for (const call of calls) {
      const tool = typeof call.params?.name === 'string' ? findTool(call.params.name) : undefined;
      if (tool && !auth.scopes.includes(tool.scope))
        return sendInsufficientScope(res, { resourceMetadataUrl, scope: tool.scope });
      if (tool) only?.add(tool.name);
      else only = undefined;
    }

    let ctx: McpServerContext;
    try {
      if (deps.admit && !(await deps.admit(req, res, calls.length))) return;
      const grantId = String(auth.extra?.grantId ?? auth.clientId);
      const osc = deps.platformFor(auth);
      const creates = deps.limits?.instanceCreates;
      const spendCreate = creates ? () => creates.consume(`creates:${grantId}`) : undefined;
      ctx = {
        osc,
        scopes: auth.scopes,
        log,
        requestId: res.locals.requestId as string | undefined,
        deadlineMs: deps.limits?.toolDeadlineMs,
        spendCreate,
        buildWait: deps.limits?.buildWait,
        secretEntry: deps.secretEntryFor?.(auth),
        only,
      };
    } catch (err) {
      if (isUnavailable(err)) return sendJsonRpcUnavailable(res);
      if (err instanceof GrantRevokedError) {
        return sendUnauthorized(res, {
          resourceMetadataUrl,
          error: 'invalid_token',
          description: 'the OSC authorization ended; authorize again',
        });
      }
      log.error({ event: 'mcp_route', err }, 'MCP request failed');
      return sendJsonRpcError(res, 500, RPC.internalError, 'Internal error');
    }

    const streaming = calls.some((c) => c.params?._meta?.progressToken !== undefined);
    await serveWebHandler(
      {
        fetch: async (request, opts) => {
          if (await isLegacyRequest(request, parsed)) {
            res.locals.mcpEra = 'legacy';
            return serveLegacy(request, opts, ctx, streaming, res);
          }
          res.locals.mcpEra = 'modern';
          // The 2026-07-28 path reads the request's signal (a client that leaves ends the
          // exchange); node-handler.ts releases it once the response is written.
          const signalled = new Request(request, { signal: opts.signal });
          contexts.set(signalled, ctx);
          return modern.fetch(signalled, opts);
        },
      },
      req,
      res,
      parsed,
      (err) => log.error({ event: 'mcp_route', err }, 'MCP request failed'),
    );
  });

  router.all('/mcp', function methodNotAllowed(_req: Request, res: Response) {
    res.set('Allow', 'POST');
    sendJsonRpcError(res, 405, RPC.serverError, 'Method not allowed: this endpoint is stateless and accepts POST only');
  });

  return router;
}
