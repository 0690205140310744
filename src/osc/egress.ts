/**
 * The upstream boundary (issue 16 class 3; SECRETS-03, EGRESS-02; EGRESS-01..04 in docs/security.md):
 * a request made on a user's behalf to OSC — ours or one `@osaas/client-core` makes
 * through the global `fetch` — goes only to `https://*.osaas.io` and never follows a
 * redirect. The SDK follows redirects (fetch's default) and takes each service's API
 * address from the catalog, so a 3xx or a foreign `apiUrl` would otherwise carry the
 * PAT (`x-pat-jwt`) or a SAT (`x-jwt`) to whatever host OSC named.
 *
 * Requests are marked as OSC calls by the async context they are made in
 * (`runAsOscEgress`; `runInUpstreamScope` in ./dispatcher.ts implies it). Inside it, a
 * foreign origin is refused before any connection and a 3xx status aborts the request
 * before fetch can act on it; both surface as `UpstreamBadResponseError`. Requests
 * outside the context (the metadata-document fetcher brings its own dispatcher) pass.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Dispatcher } from 'undici';
import { UpstreamBadResponseError } from '../errors.js';
import { isOscUrl } from './hosts.js';
import { ForwardingHandler, WrappingDispatcher } from './wrapping-dispatcher.js';

const egress = new AsyncLocalStorage<true>();

/** Runs `fn` with every request it dispatches held to the OSC boundary. */
export function runAsOscEgress<T>(fn: () => Promise<T>): Promise<T> {
  return egress.run(true, fn);
}

/** Aborts the request on a 3xx, so neither fetch nor the SDK can follow it. */
class NoRedirectHandler extends ForwardingHandler {
  private abort: ((err?: Error) => void) | undefined;
  override onConnect(abort: (err?: Error) => void): void {
    this.abort = abort;
    super.onConnect(abort);
  }
  override onHeaders(statusCode: number, headers: Buffer[], resume: () => void, statusText: string): boolean {
    if (statusCode >= 300 && statusCode < 400) {
      this.abort?.(
        new UpstreamBadResponseError(`OSC answered with a redirect (${statusCode}); redirects are never followed`),
      );
      return false;
    }
    return super.onHeaders(statusCode, headers, resume, statusText);
  }
}

export class OscEgressGuard extends WrappingDispatcher {
  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
    if (!egress.getStore()) return this.inner.dispatch(opts, handler);
    let origin: URL | undefined;
    try {
      origin = new URL(String(opts.origin));
    } catch {
      origin = undefined;
    }
    if (!origin || !isOscUrl(origin)) {
      // Refused before anything is sent: the credentials in `opts.headers` go nowhere.
      const err = new UpstreamBadResponseError('OSC named a host outside osaas.io; it was not contacted');
      queueMicrotask(() => handler.onError?.(err));
      return true;
    }
    return this.inner.dispatch(opts, new NoRedirectHandler(handler));
  }
}
