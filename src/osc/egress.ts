/**
 * The upstream boundary (issue 16 class 3; SECRETS-03, EGRESS-02; EGRESS-01..04 in docs/security.md):
 * a request made on a user's behalf to OSC — ours or one `@osaas/client-core` makes
 * through the global `fetch` — goes only to `https://*.osaas.io` and never follows a
 * redirect. The SDK follows redirects (fetch's default) and takes each service's API
 * address from the catalog, so a 3xx or a foreign `apiUrl` would otherwise carry the
 * PAT (`x-pat-jwt`) or a SAT (`x-jwt`) to whatever host OSC named.
 *
 * Requests are marked as OSC calls two ways: ours (undici's `request` in ./upstream-http.ts
 * and ./oauth-client.ts) name `OSC_EGRESS` as their dispatcher, which marks each request and hands it to
 * the global dispatcher; the SDK's, which call the global `fetch` with no options of ours,
 * by the async context they are made in (`runAsOscEgress`, which `runInUpstreamScope` in
 * ./dispatcher.ts implies). A marked request to a foreign origin is refused before any
 * connection and a 3xx status aborts it before the caller can act on it; both surface as
 * `UpstreamBadResponseError`. Unmarked requests (the metadata-document fetcher brings its
 * own dispatcher) pass.
 *
 * Why two ways (issue 18, bench/README.md "Where the CPU goes"): on Node 20 and 22 an
 * enabled AsyncLocalStorage installs promise hooks that run for every promise of the
 * process, about 150 µs of CPU per tool call. The context is only needed while an SDK call
 * is in flight, so the storage is disabled again once none is (`sdkCallsInFlight`), and our
 * own calls need no context at all. (Node 24 keeps async context without promise hooks.)
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Dispatcher, getGlobalDispatcher } from 'undici';
import { UpstreamBadResponseError } from '../errors.js';
import { isOscUrl } from './hosts.js';
import { ForwardingHandler, WrappingDispatcher } from './wrapping-dispatcher.js';

const egress = new AsyncLocalStorage<true>();

/** Runs `fn` with every request it dispatches held to the OSC boundary (for the SDK's calls). */
export function runAsOscEgress<T>(fn: () => Promise<T>): Promise<T> {
  return egress.run(true, fn);
}

/** Stops tracking the context (and, with no other storage enabled, the promise hooks) until the next `runAsOscEgress`. */
export function pauseOscEgressContext(): void {
  egress.disable();
}

/** The mark `OSC_EGRESS` puts on a request's dispatch options. */
const MARKED = Symbol('osc-egress');
type Marked = Dispatcher.DispatchOptions & { [MARKED]?: true };

/**
 * The dispatcher our own OSC calls name (undici's `request`): each request marked as an OSC call and
 * sent through the global dispatcher (./dispatcher.ts), whose guard then holds it to the
 * boundary whatever async context it was made in.
 */
export const OSC_EGRESS: Dispatcher = new (class OscEgress extends Dispatcher {
  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
    return getGlobalDispatcher().dispatch({ ...opts, [MARKED]: true } as Marked, handler);
  }
})();

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
    if (!(opts as Marked)[MARKED] && !egress.getStore()) return this.inner.dispatch(opts, handler);
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
