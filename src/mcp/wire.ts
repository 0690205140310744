/**
 * What `POST /mcp` decides from a parsed body before any MCP machinery sees it: how deep
 * it nests, which tool calls it carries, and a bounded label for the log. Pure functions,
 * unit-tested in test/unit/mcp/wire.test.ts; the route (./route.ts) answers with them.
 */

/** JSON-RPC's own nesting plus a tool's arguments need far less; the SDK's re-serialisation recurses. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether `value` nests deeper than `max` arrays/objects. Iterative and linear in the
 * number of nodes, so a 64 KB body of `[[[[…` costs one pass and no stack (INPUT-02).
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<{ v: unknown; d: number }> = [{ v: value, d: 0 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push({ v: child, d: d + 1 });
    }
  }
  return false;
}

export interface RpcMessage {
  id?: string | number | null;
  method?: unknown;
  params?: { name?: unknown; _meta?: { progressToken?: unknown } };
}

/** The messages of a body, a batch or one (MCP 2025-11-25 accepts batches; 2026-07-28 does not). */
export function messagesOf(parsed: unknown): RpcMessage[] {
  return (Array.isArray(parsed) ? parsed : [parsed]).filter(
    (m): m is RpcMessage => typeof m === 'object' && m !== null,
  );
}

export function toolCallsOf(messages: readonly RpcMessage[]): RpcMessage[] {
  return messages.filter((m) => m.method === 'tools/call');
}

const LOGGED_METHODS = new Set([
  'initialize',
  'notifications/initialized',
  'server/discover',
  'ping',
  'tools/list',
  'tools/call',
  'subscriptions/listen',
  'notifications/cancelled',
]);

/**
 * A log label for the body's JSON-RPC method: a known MCP method, `batch`, or `other`,
 * never a client-chosen string (src/http/request-log.ts writes it).
 */
export function methodLabel(parsed: unknown): string {
  if (Array.isArray(parsed)) return 'batch';
  const m = (parsed as RpcMessage | null)?.method;
  return typeof m === 'string' && LOGGED_METHODS.has(m) ? m : 'other';
}
