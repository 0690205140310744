/**
 * The one writer of JSON-RPC error bodies outside the MCP transport (JSON-RPC 2.0 §5.1;
 * MCP 2025-11-25 transports: errors before the transport runs are still JSON-RPC). Used by
 * the /mcp route, the bearer check, the Origin/Host guard and the last-resort error handler.
 */
import type { Response } from 'express';
import { setRetryAfter } from './unavailable.js';

/** JSON-RPC 2.0 §5.1 codes, and -32000 for a server-defined transport refusal. */
export const RPC = {
  parseError: -32700,
  invalidRequest: -32600,
  invalidParams: -32602,
  internalError: -32603,
  serverError: -32000,
} as const;

/** The body of a JSON-RPC error (JSON-RPC 2.0 §5.1), for writers that are not an Express response. */
export function jsonRpcErrorBody(code: number, message: string, id: string | number | null = null) {
  return { jsonrpc: '2.0', error: { code, message }, id } as const;
}

/** Writes `{ jsonrpc, error: { code, message }, id }` with `status`; never cached. */
export function sendJsonRpcError(
  res: Response,
  status: number,
  code: number,
  message: string,
  id: string | number | null = null,
): void {
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .json(jsonRpcErrorBody(code, message, id));
}

/** A dependency (the store or OSC) is down: 503 with Retry-After, as a JSON-RPC error. */
export function sendJsonRpcUnavailable(res: Response): void {
  setRetryAfter(res);
  sendJsonRpcError(res, 503, RPC.serverError, 'Service temporarily unavailable, retry shortly');
}
