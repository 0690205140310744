/**
 * The one way this server fetches a URL that an outsider chose: Client ID Metadata Documents
 * (./cimd.ts) and client key sets named by `jwks_uri` (./jwks.ts). SSRF-safe (EGRESS-02, INPUT-10;
 * MCP 2026-07-28 security best practices "SSRF Against Authorization Servers"): https only,
 * only global addresses (./global-address.ts; checked on the very address we connect to, so
 * DNS rebinding cannot swap it), no redirects, a byte cap and a time cap.
 *
 * `allowLoopbackHttp` admits plain http to 127.0.0.1 / localhost only — set by
 * `npm run sandbox` (src/sandbox.ts) and tests, never from the environment, so production
 * keeps every rule above.
 */
import { Agent } from 'undici';
import { guardedLookup, isPrivateLiteralHost } from './global-address.js';

const TIMEOUT_MS = 5_000;
const CACHE_MIN_S = 60;
const CACHE_MAX_S = 24 * 3600;
const CACHE_DEFAULT_S = 3600;

/** A fetch this server refused or could not complete; `message` is safe to log and to show. */
export class SafeFetchError extends Error {
  override readonly name = 'SafeFetchError';
}

export interface SafeFetchOptions {
  /** Plain http to 127.0.0.1 / localhost (the sandbox and tests only; never from the environment). */
  allowLoopbackHttp?: boolean;
  timeoutMs?: number;
}

export interface FetchedJson {
  body: string;
  /** Seconds the answer may be cached (its Cache-Control max-age, clamped to 60 s … 24 h). */
  maxAgeS: number;
}

export interface SafeFetcher {
  /** The URL, if it may be fetched at all; throws SafeFetchError saying why not. */
  check(raw: string, what: string): URL;
  /** GET with `Accept: application/json`; 200 only, at most `maxBytes`, no redirects. */
  fetchJson(url: URL, what: string, maxBytes: number): Promise<FetchedJson>;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost']);

export function createSafeFetcher(opts: SafeFetchOptions = {}): SafeFetcher {
  const timeoutMs = opts.timeoutMs ?? TIMEOUT_MS;
  const agent = new Agent({
    connect: { lookup: guardedLookup(), timeout: timeoutMs },
    maxRedirections: 0,
  } as ConstructorParameters<typeof Agent>[0]);
  const loopbackAgent = opts.allowLoopbackHttp ? new Agent({ connect: { timeout: timeoutMs } }) : undefined;
  const isLoopbackHttp = (url: URL) =>
    loopbackAgent !== undefined && url.protocol === 'http:' && LOOPBACK_NAMES.has(url.hostname);

  return {
    check(raw, what) {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new SafeFetchError(`the ${what} URL is not a valid URL`);
      }
      const loopback = isLoopbackHttp(url);
      if (url.protocol !== 'https:' && !loopback) throw new SafeFetchError(`the ${what} URL must use https`);
      if (url.hash || url.username || url.password || url.href !== raw)
        throw new SafeFetchError(`the ${what} URL is malformed (fragment, credentials or non-canonical form)`);
      if (!loopback && (url.hostname === 'localhost' || isPrivateLiteralHost(url.hostname)))
        throw new SafeFetchError(`the ${what} URL points to a private address`);
      return url;
    },
    async fetchJson(url, what, maxBytes) {
      let res: Response;
      try {
        res = await fetch(url, {
          redirect: 'error',
          signal: AbortSignal.timeout(timeoutMs),
          headers: { accept: 'application/json' },
          dispatcher: isLoopbackHttp(url) ? loopbackAgent : agent,
        } as RequestInit);
      } catch {
        throw new SafeFetchError(
          `the ${what} could not be fetched (unreachable, refused address, redirect or timeout)`,
        );
      }
      if (res.status !== 200) {
        await res.body?.cancel().catch(() => undefined);
        throw new SafeFetchError(`the ${what} could not be fetched (HTTP ${res.status})`);
      }
      const reader = res.body?.getReader();
      const chunks: Uint8Array[] = [];
      let size = 0;
      while (reader) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) {
          await reader.cancel();
          throw new SafeFetchError(`the ${what} is larger than ${Math.round(maxBytes / 1024)} KB`);
        }
        chunks.push(value);
      }
      const maxAge = Number(/max-age=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1] ?? CACHE_DEFAULT_S);
      return {
        body: Buffer.concat(chunks).toString('utf8'),
        maxAgeS: Math.min(CACHE_MAX_S, Math.max(CACHE_MIN_S, maxAge)),
      };
    },
  };
}

/** A bounded cache with per-entry expiry; the oldest entry leaves first when it is full. */
export class BoundedCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  constructor(
    private readonly max: number,
    private readonly now: () => number,
  ) {}

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: V, ttlMs: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, until: this.now() + ttlMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
