/**
 * Client ID Metadata Documents (MCP 2025-11-25 authorization "Client ID Metadata
 * Documents"; mcp-auth.md A.2 #27–#29, #42): a URL-shaped `client_id` is fetched and its
 * document describes the client. The fetch is SSRF-safe (T26, INPUT-10): https only, no
 * address that is not global (src/oauth/global-address.ts; checked on the very address we connect to, so
 * DNS rebinding cannot swap it), no redirects, 5 KB and 5 s caps; results are cached.
 */
import { Agent } from 'undici';
import { z } from 'zod';
import type { ClientRecord } from '../grants/records.js';
import { guardedLookup, isPrivateLiteralHost } from './global-address.js';
import { redirectUriProblem } from './redirect-uri.js';

const MAX_BYTES = 5 * 1024;
const TIMEOUT_MS = 5_000;
const CACHE_MIN_S = 60;
const CACHE_MAX_S = 24 * 3600;
const CACHE_DEFAULT_S = 3600;
const CACHE_ENTRIES = 1000;

const Document = z.object({
  client_id: z.string(),
  client_name: z.string().min(1).max(100),
  redirect_uris: z.array(z.string()).min(1).max(10),
  client_uri: z.string().optional(),
  token_endpoint_auth_method: z.literal('none').optional(),
  grant_types: z.array(z.enum(['authorization_code', 'refresh_token'])).optional(),
  response_types: z.array(z.literal('code')).optional(),
  scope: z.string().optional(),
});

export class CimdError extends Error {
  override readonly name = 'CimdError';
}

export interface CimdOptions {
  /** Tests only (never from the environment): allow http on loopback for a local document server. */
  allowLoopbackHttpForTests?: boolean;
  now?: () => number;
}

export interface CimdResolver {
  isMetadataUrl(clientId: string): boolean;
  resolve(clientId: string): Promise<ClientRecord>;
}

export function createCimdResolver(opts: CimdOptions = {}): CimdResolver {
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { record: ClientRecord; until: number }>();
  const agent = new Agent({ connect: { lookup: guardedLookup(), timeout: TIMEOUT_MS }, maxRedirections: 0 } as ConstructorParameters<typeof Agent>[0]);
  const testAgent = opts.allowLoopbackHttpForTests ? new Agent() : undefined;

  const check = (clientId: string): URL => {
    let url: URL;
    try {
      url = new URL(clientId);
    } catch {
      throw new CimdError('client_id is not a URL');
    }
    const loopbackTest = testAgent && url.protocol === 'http:' && url.hostname === '127.0.0.1';
    if (url.protocol !== 'https:' && !loopbackTest) throw new CimdError('metadata document URLs must use https');
    if (url.hash || url.username || url.password || url.pathname === '/' || url.href !== clientId) throw new CimdError('malformed metadata document URL');
    if (!loopbackTest && isPrivateLiteralHost(url.hostname)) throw new CimdError('refused: private address');
    return url;
  };

  const fetchDocument = async (url: URL): Promise<{ body: string; maxAge: number }> => {
    const dispatcher = testAgent && url.protocol === 'http:' ? testAgent : agent;
    let res: Response;
    try {
      res = await fetch(url, {
        redirect: 'error',
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: { accept: 'application/json' },
        dispatcher,
      } as RequestInit);
    } catch {
      throw new CimdError('the metadata document could not be fetched');
    }
    if (res.status !== 200) throw new CimdError('the metadata document could not be fetched');
    const reader = res.body?.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BYTES) {
        await reader.cancel();
        throw new CimdError('the metadata document is too large');
      }
      chunks.push(value);
    }
    const maxAge = Number(/max-age=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1] ?? CACHE_DEFAULT_S);
    return { body: Buffer.concat(chunks).toString('utf8'), maxAge: Math.min(CACHE_MAX_S, Math.max(CACHE_MIN_S, maxAge)) };
  };

  return {
    isMetadataUrl: (clientId) => /^https?:\/\//i.test(clientId),
    async resolve(clientId) {
      const hit = cache.get(clientId);
      if (hit && hit.until > now()) return hit.record;
      const url = check(clientId);
      const { body, maxAge } = await fetchDocument(url);
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        throw new CimdError('the metadata document is not JSON');
      }
      const doc = Document.safeParse(json);
      if (!doc.success) throw new CimdError('the metadata document is invalid');
      if (doc.data.client_id !== clientId) throw new CimdError('the metadata document names another client_id');
      if (doc.data.redirect_uris.some((u) => redirectUriProblem(u))) throw new CimdError('the metadata document has an invalid redirect URI');
      const record: ClientRecord = {
        clientId,
        clientName: doc.data.client_name,
        clientUri: doc.data.client_uri,
        redirectUris: doc.data.redirect_uris,
        grantTypes: doc.data.grant_types ?? ['authorization_code', 'refresh_token'],
        responseTypes: ['code'],
        tokenEndpointAuthMethod: 'none',
        scope: doc.data.scope,
        source: 'cimd',
        createdAt: now(),
      };
      if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
      cache.set(clientId, { record, until: now() + maxAge * 1000 });
      return record;
    },
  };
}
