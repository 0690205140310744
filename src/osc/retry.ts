/**
 * Retries toward OSC (UPSTREAM-10, UPSTREAM-07; -08, -09, -12).
 *
 * - `retryRead`: reads only. At most two retries with exponential backoff and full
 *   jitter, on 5xx, 429 and network failures; honours `Retry-After` up to 2 s and gives
 *   up at once when OSC asks for longer. A create is never passed through here: a POST
 *   that failed ambiguously may have created the instance (src/emulator/README.md, 504 note).
 * - `withPat`: an OSC 401 to the PAT → `forceRefresh(pat)` once and retry; a second 401
 *   → the grant is dead (`GrantRevokedError`, docs/architecture.md, "Token lifecycle").
 */
import type { OscCredentials } from './lifecycle/credentials.js';
import {
  UpstreamAuthError,
  UpstreamError,
  UpstreamRateLimitedError,
  UpstreamTimeoutError,
  GrantRevokedError,
} from '../errors.js';

export interface RetryOptions {
  signal: AbortSignal;
  /** Total tries, the first included (default 3: at most 2 retries, UPSTREAM-10). */
  attempts?: number;
  /** First backoff ceiling; doubles per retry (default 100 ms). */
  baseDelayMs?: number;
  /** Longest `Retry-After` we wait for (default 2 s). Longer → give up now. */
  maxRetryAfterMs?: number;
  random?: () => number;
  onRetry?: (err: UpstreamError, attempt: number, delayMs: number) => void;
}

/** Resolves after `ms`, or rejects with a timeout error as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = () => {
      clearTimeout(timer);
      reject(new UpstreamTimeoutError('OSC did not answer in time', { cause: signal.reason }));
    };
    if (signal.aborted) return aborted();
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', aborted);
      resolve();
    }, ms);
    signal.addEventListener('abort', aborted, { once: true });
  });
}

/** Runs a read, retrying transient upstream failures within bounds. */
export async function retryRead<T>(op: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const attempts = opts.attempts ?? 3;
  const base = opts.baseDelayMs ?? 100;
  const maxRetryAfter = opts.maxRetryAfterMs ?? 2000;
  const random = opts.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (!(err instanceof UpstreamError) || !err.transient || attempt >= attempts || opts.signal.aborted) throw err;
      let delay = random() * base * 2 ** (attempt - 1);
      if (err instanceof UpstreamRateLimitedError && err.retryAfterMs !== undefined) {
        if (err.retryAfterMs > maxRetryAfter) throw err;
        delay = Math.max(delay, err.retryAfterMs);
      }
      opts.onRetry?.(err, attempt, delay);
      await sleep(delay, opts.signal);
    }
  }
}

/**
 * Calls `op` with the grant's current PAT. An OSC 401 means the PAT was refused: refresh
 * once (single flight lives in the credentials) and try again; a second 401 to a PAT
 * OSC has just issued means the authorization is gone (docs/architecture.md, "Token lifecycle"; UPSTREAM-07).
 */
export async function withPat<T>(credentials: OscCredentials, op: (pat: string) => Promise<T>): Promise<T> {
  const pat = await credentials.accessToken();
  try {
    return await op(pat);
  } catch (err) {
    if (!(err instanceof UpstreamAuthError)) throw err;
  }
  const fresh = await credentials.forceRefresh(pat);
  try {
    return await op(fresh);
  } catch (err) {
    if (err instanceof UpstreamAuthError) {
      await credentials.revoke();
      throw new GrantRevokedError('OSC refused a freshly refreshed token');
    }
    throw err;
  }
}
