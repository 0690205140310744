/**
 * A MCP 2026-07-28 request over raw HTTP, the way a conforming client sends one: the
 * per-request `_meta` envelope, and `MCP-Protocol-Version`, `Mcp-Method` and `Mcp-Name`
 * mirrored from the body (2026-07-28 Streamable HTTP, "Request Metadata").
 */
import { mcpPost } from './oauth-flow.js';

export const MODERN = '2026-07-28';

/** The envelope of one request, optionally naming another version. */
export function envelope(version = MODERN): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': version,
    'io.modelcontextprotocol/clientInfo': { name: 'osc-mcp-tests', version: '1' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
}

export interface ModernOptions {
  version?: string;
  /** Headers set over the mirrored ones. */
  headers?: Record<string, string>;
  /** Mirrored headers left out (lower case). */
  omit?: string[];
  signal?: AbortSignal;
}

export function modernPost(
  mcpUrl: string,
  accessToken: string,
  id: number,
  method: string,
  params: Record<string, unknown> = {},
  o: ModernOptions = {},
): Promise<Response> {
  const version = o.version ?? MODERN;
  const headers: Record<string, string> = { 'mcp-protocol-version': version, 'mcp-method': method };
  if (typeof params.name === 'string') headers['mcp-name'] = params.name;
  for (const h of o.omit ?? []) delete headers[h];
  const meta = { ...(params._meta as Record<string, unknown> | undefined), ...envelope(version) };
  return mcpPost(
    mcpUrl,
    accessToken,
    { jsonrpc: '2.0', id, method, params: { ...params, _meta: meta } },
    { ...headers, ...o.headers },
    o.signal,
  );
}
