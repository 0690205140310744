/**
 * `POST /mcp`: Streamable HTTP, stateless (DESIGN §4; MCP 2025-11-25 transports). It runs
 * after the bearer check, which sets `req.auth`. The SDK transport lives in this module
 * only, so serving 2026-07-28 clients through the SDK's v2 packages is a change here.
 *
 * Before the transport sees anything: Content-Type (415), a 64 KB body limit read here and
 * answered 413 with the connection closed (INPUT-01), JSON parse (400 -32700, INPUT-02),
 * batch size (400 -32600), per-tool scope (403 insufficient_scope, OAUTH-35: a
 * `tools/call` of any message of a batch beyond the grant's scopes refuses the whole
 * request, before any OSC call), and the per-grant call budget (429, INPUT-08).
 *
 * Response mode: JSON (`enableJsonResponse`) unless some `tools/call` carries a
 * `progressToken`; then SSE, because progress notifications can only travel on a stream.
 * `GET`/`DELETE /mcp` → 405 `Allow: POST`: there is no session and no standalone stream.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { IncomingMessage } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Logger } from '../log.js';
import { GrantRevokedError, type OscCredentials } from '../osc/credentials.js';
import type { SatCache } from '../osc/sat-cache.js';
import type { SubscriptionCache } from '../osc/subscription-cache.js';
import { createSdkPlatform } from '../osc/sdk-platform.js';
import { StoreUnavailableError } from '../grants/store.js';
import { sendInsufficientScope, sendUnauthorized } from '../oauth/challenge.js';
import { buildMcpServer } from './server.js';
import { findTool } from './tools/index.js';

/** Same shape as the lead's rate limiter (src/grants/rate-limits.ts). */
export interface CallLimiter {
  consume(key: string, points?: number): Promise<{ allowed: boolean; retryAfterS: number }>;
}

export interface McpRouteDeps {
  credentialsFor(auth: AuthInfo): OscCredentials;
  oscEnvironment: string;
  resourceMetadataUrl: string;
  log: Logger;
  satCache: SatCache;
  /** Subscription lists per grant for a short time (src/osc/subscription-cache.ts). */
  subscriptionCache?: SubscriptionCache;
  limits?: {
    /** Request body limit (default 64 KB, T32). */
    maxBodyBytes?: number;
    /** Tool calls per grant; a batch of n calls spends n (INPUT-08). */
    toolCalls?: CallLimiter;
    /** create_instance attempts per grant, spent by the tool when it sends a create (INPUT-08, T25). */
    instanceCreates?: CallLimiter;
    /** Default tool deadline (15 s) and per-upstream-call timeout (10 s), T29. */
    toolDeadlineMs?: number;
    callTimeoutMs?: number;
  };
}

const MAX_BATCH = 100;

function rpcError(res: Response, status: number, code: number, message: string): void {
  res.status(status).set('Cache-Control', 'no-store').json({ jsonrpc: '2.0', error: { code, message }, id: null });
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

interface RpcMessage {
  id?: string | number | null;
  method?: unknown;
  params?: { name?: unknown; _meta?: { progressToken?: unknown } };
}

export function createMcpRoute(deps: McpRouteDeps): Router {
  const { log, resourceMetadataUrl } = deps;
  const maxBody = deps.limits?.maxBodyBytes ?? 64 * 1024;
  const router = express.Router();

  router.post('/mcp', async function mcp(req: Request, res: Response) {
    const auth = req.auth;
    if (!auth) return sendUnauthorized(res, { resourceMetadataUrl, description: 'a bearer token is required' });
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      return rpcError(res, 415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    }
    const body = await readBody(req, maxBody).catch(() => ({ tooLarge: false, text: undefined }));
    if (body.tooLarge) {
      res.set('Connection', 'close');
      return rpcError(res, 413, -32000, `Payload Too Large: the request body must not exceed ${maxBody} bytes`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.text ?? '');
    } catch {
      return rpcError(res, 400, -32700, 'Parse error: Invalid JSON');
    }
    const messages = (Array.isArray(parsed) ? parsed : [parsed]) as RpcMessage[];
    if (messages.length > MAX_BATCH) return rpcError(res, 400, -32600, `Invalid Request: a batch must not exceed ${MAX_BATCH} messages`);
    const calls = messages.filter((m) => typeof m === 'object' && m !== null && m.method === 'tools/call');

    for (const call of calls) {
      const tool = typeof call.params?.name === 'string' ? findTool(call.params.name) : undefined;
      if (tool && !auth.scopes.includes(tool.scope)) return sendInsufficientScope(res, { resourceMetadataUrl, scope: tool.scope });
      // MCP 2025-11-25 tools "Error Handling": an unknown tool is a protocol error (-32602),
      // not a tool result (SDK 1.32.2 answers it as a result). Batches keep the SDK's answer.
      if (!tool && !Array.isArray(parsed)) {
        const name = typeof call.params?.name === 'string' ? call.params.name.slice(0, 64) : '';
        res.status(200).set('Cache-Control', 'no-store').json({ jsonrpc: '2.0', id: call.id ?? null, error: { code: -32602, message: `Unknown tool: ${name}` } });
        return;
      }
    }

    try {
      const grantId = String(auth.extra?.grantId ?? auth.clientId);
      if (calls.length > 0 && deps.limits?.toolCalls) {
        const d = await deps.limits.toolCalls.consume(`tools:${grantId}`, calls.length);
        if (!d.allowed) {
          res.set('Retry-After', String(Math.max(1, d.retryAfterS)));
          return rpcError(res, 429, -32000, 'Too many tool calls for this connection; retry later');
        }
      }
      const osc = createSdkPlatform({
        credentials: deps.credentialsFor(auth),
        environment: deps.oscEnvironment,
        satCache: deps.satCache,
        subscriptionCache: deps.subscriptionCache,
        log,
        callTimeoutMs: deps.limits?.callTimeoutMs,
      });
      const streaming = calls.some((c) => c.params?._meta?.progressToken !== undefined);
      const creates = deps.limits?.instanceCreates;
      const spendCreate = creates ? () => creates.consume(`creates:${grantId}`) : undefined;
      const server = buildMcpServer({ osc, scopes: auth.scopes, log, requestId: res.locals.requestId as string | undefined, deadlineMs: deps.limits?.toolDeadlineMs, spendCreate });
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: !streaming });
      // Closing aborts every running handler's signal, so a client that leaves cancels
      // its upstream calls too (MCP-09; T33: nothing outlives the request).
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req as IncomingMessage & { auth?: AuthInfo }, res, parsed);
    } catch (err) {
      if (res.headersSent) return;
      if (err instanceof StoreUnavailableError) {
        res.set('Retry-After', '1');
        return rpcError(res, 503, -32000, 'Service temporarily unavailable, retry shortly');
      }
      if (err instanceof GrantRevokedError) {
        return sendUnauthorized(res, { resourceMetadataUrl, error: 'invalid_token', description: 'the OSC authorization ended; authorize again' });
      }
      log.error({ event: 'mcp_route', err }, 'MCP request failed');
      rpcError(res, 500, -32603, 'Internal error');
    }
  });

  router.all('/mcp', function methodNotAllowed(_req: Request, res: Response) {
    res.set('Allow', 'POST');
    rpcError(res, 405, -32000, 'Method not allowed: this endpoint is stateless and accepts POST only');
  });

  return router;
}
