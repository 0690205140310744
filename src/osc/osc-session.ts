/**
 * The plumbing under sdk-platform.ts for one MCP request: which token goes where, when to
 * refresh, the service lookup, SATs. Kept apart so the platform file reads as a list of
 * operations. Nothing here imports the SDK; sdk-platform.ts passes its calls in.
 *
 * - PAT calls (catalog, token, money) go through `withPat`: a 401 refreshes once (retry.ts).
 * - SAT calls (a service's API) go through `withSat`: a 401 drops the cached SAT, mints a
 *   new one (which itself tests the PAT) and tries once more (DOC-SAT "lazily on a 401").
 * - The subscription list is read at most once per request (memo), because OSC offers no
 *   other way to learn a service's `apiUrl` and schema (src/emulator/README.md).
 */
import type { OscCredentials } from './lifecycle/credentials.js';
import { UpstreamAuthError, UpstreamTimeoutError } from '../errors.js';
import { retryRead, withPat } from './retry.js';
import type { SatCache } from './sat-cache.js';
import type { SubscriptionCache } from './subscription-cache.js';
import { oscJson } from './upstream-http.js';
import { SatReply, Subscriptions, type ServiceRecord } from './upstream-schemas.js';
import { runInUpstreamScope } from './dispatcher.js';
import { bounded, NEVER } from './bounded.js';
import type { Logger } from '../log.js';
import { toUpstreamError, toUpstreamErrorUnlessOurs } from './upstream-errors.js';
import { DEFAULTS } from '../defaults.js';

export interface SessionDeps {
  credentials: OscCredentials;
  environment: string;
  satCache: SatCache;
  /** The subscription list per grant for a short time (absent: read once per request). */
  subscriptionCache?: SubscriptionCache;
  log?: Logger;
  /** Per upstream call (default 10 s, UPSTREAM-10). */
  callTimeoutMs?: number;
}

/** Rejects as soon as `signal` aborts; the losing promise's rejection is absorbed (UPSTREAM-10). */
export function race<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  p.catch(() => undefined);
  if (signal.aborted)
    return Promise.reject(new UpstreamTimeoutError('OSC did not answer in time', { cause: signal.reason }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new UpstreamTimeoutError('OSC did not answer in time', { cause: signal.reason }));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export class OscSession {
  private subs: Promise<ServiceRecord[]> | undefined;
  readonly env: string;
  constructor(readonly deps: SessionDeps) {
    // The environment lands in a host name; the config already restricts it (config.ts).
    if (!/^[a-z0-9-]{1,32}$/.test(deps.environment)) throw new TypeError('invalid OSC environment label');
    this.env = deps.environment;
  }

  host(svc: 'catalog' | 'token' | 'money' | 'deploy'): string {
    return `https://${svc}.svc.${this.env}.osaas.io`;
  }

  /**
   * Runs one upstream call under the tool's `signal` plus the per-call timeout (UPSTREAM-10). One
   * controller and one timer per call, both released when the call settles: `AbortSignal.any`
   * over `AbortSignal.timeout` left a 10 s timer and a tracked signal behind every call,
   * nested again in upstream-http.ts (issue 18).
   */
  async bounded<T>(signal: AbortSignal, fn: (callSignal: AbortSignal) => Promise<T>): Promise<T> {
    return bounded(signal, this.deps.callTimeoutMs ?? DEFAULTS.upstreamCallTimeoutMs, fn);
  }

  /**
   * Runs an SDK call under the tool's signal: the dispatcher aborts its requests when the
   * signal fires, and the SDK's `FetchError` becomes a typed error. Other errors pass
   * through for the caller to classify (the SDK throws plain `Error`s, src/emulator/README.md).
   */
  async sdk<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    return this.bounded(signal, async (callSignal) => {
      const scope = { signal: callSignal, failure: undefined as Error | undefined };
      try {
        return await race(runInUpstreamScope(scope, fn), scope.signal);
      } catch (err) {
        if (err instanceof Error && 'httpCode' in err) throw toUpstreamError(err, scope.failure);
        throw err;
      }
    });
  }

  /** The grant's current PAT, for an SDK call that also carries a SAT. */
  async pat(): Promise<string> {
    const pat = await this.deps.credentials.accessToken();
    if (!pat) throw new UpstreamAuthError('no OSC token for this grant');
    return pat;
  }

  withPat<T>(op: (pat: string) => Promise<T>): Promise<T> {
    return withPat(this.deps.credentials, (pat) => {
      // The SDK's Context falls back to OSC_ACCESS_TOKEN on an empty token (src/emulator/README.md).
      if (!pat) throw new UpstreamAuthError('no OSC token for this grant');
      return op(pat);
    });
  }

  /** Whether the list this request holds came from the cross-request cache. */
  cachedSubs = false;

  /**
   * All subscribed service records: from the per-grant cache when it has them, otherwise
   * read once per request (and retried as a read) and cached.
   */
  subscriptions(signal: AbortSignal, list: (pat: string) => Promise<unknown>): Promise<ServiceRecord[]> {
    const { subscriptionCache: cache, credentials } = this.deps;
    if (this.subs) return this.subs;
    const hit = cache?.get(credentials.grantId);
    this.cachedSubs = hit !== undefined;
    if (hit) {
      this.subs = Promise.resolve(hit);
      return this.subs;
    }
    this.subs = retryRead(
      () => this.withPat(async (pat) => Subscriptions.parse(await this.sdk(signal, () => list(pat)))),
      {
        signal,
        onRetry: (err, attempt) => this.deps.log?.warn({ err: err.name, attempt }, 'retrying OSC catalog read'),
      },
    ).then(
      (records) => {
        cache?.set(credentials.grantId, records);
        return records;
      },
      (err: unknown) => {
        this.subs = undefined;
        throw toUpstreamErrorUnlessOurs(err);
      },
    );
    return this.subs;
  }

  /** Forget the list, here and in the cache (after subscribing, or a service missing from a cached list). */
  invalidate(): void {
    this.subs = undefined;
    this.cachedSubs = false;
    this.deps.subscriptionCache?.delete(this.deps.credentials.grantId);
  }

  /** The cached SAT, or a fresh one. The mint is shared, so it runs on its own timeout. */
  sat(serviceId: string, signal: AbortSignal): Promise<string> {
    const { credentials, satCache } = this.deps;
    // The mint is shared by concurrent callers, so it runs on its own timeout, not on one caller's signal.
    const mint = () =>
      this.withPat((pat) =>
        bounded(NEVER, this.deps.callTimeoutMs ?? DEFAULTS.upstreamCallTimeoutMs, async (timeout) => {
          const reply = SatReply.parse(
            await oscJson({
              method: 'POST',
              url: new URL('/servicetoken', this.host('token')),
              headers: { 'x-pat-jwt': `Bearer ${pat}` },
              json: { serviceId },
              signal: timeout,
            }),
          );
          return { token: reply.token, expiresAt: reply.expiry * 1000 };
        }),
      );
    return race(satCache.getOrMint(credentials.grantId, serviceId, mint), signal).catch((err: unknown) => {
      throw toUpstreamErrorUnlessOurs(err);
    });
  }

  /** Runs a service-API call with a SAT; one re-mint on 401, then the 401 stands. */
  async withSat<T>(serviceId: string, signal: AbortSignal, op: (sat: string) => Promise<T>): Promise<T> {
    try {
      return await op(await this.sat(serviceId, signal));
    } catch (err) {
      if (!(err instanceof UpstreamAuthError)) throw err;
      this.deps.satCache.delete(this.deps.credentials.grantId, serviceId);
    }
    return op(await this.sat(serviceId, signal));
  }
}
