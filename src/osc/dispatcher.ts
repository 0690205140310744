/**
 * The process-wide HTTP dispatcher for calls to OSC (UPSTREAM-10): bounded
 * connect/headers/body timeouts and a response size cap on every upstream call,
 * including the ones `@osaas/client-core` makes through the global `fetch` with no
 * timeout of its own (src/emulator/README.md "No timeouts, retries, or caching anywhere in the
 * SDK"; E.1 "The SDK calls the global fetch at call time").
 *
 * The SDK takes no AbortSignal. `runInUpstreamScope` lends it one: requests dispatched
 * inside the scope (an AsyncLocalStorage) are aborted when the scope's signal fires, so a
 * client that goes away or a tool deadline closes the upstream socket too (MCP-09), and
 * the undici error the SDK drops ("fetch failed", src/emulator/README.md) is kept on the scope for
 * the error factory. OSC OAuth refreshes must NOT run inside a scope: one caller's abort
 * must never cut a refresh that other requests share (UPSTREAM-03).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent, type Dispatcher, setGlobalDispatcher } from 'undici';
import { EmulatorRedirect } from './emulator-redirect.js';
import { OscEgressGuard, pauseOscEgressContext, runAsOscEgress } from './egress.js';
import { ForwardingHandler, WrappingDispatcher } from './wrapping-dispatcher.js';

export interface UpstreamScope {
  signal: AbortSignal;
  /** The last transport failure of a request in this scope (set by the dispatcher). */
  failure?: Error;
}

const scopes = new AsyncLocalStorage<UpstreamScope>();

/**
 * SDK calls running. When the last one settles both storages are disabled, which on Node 20
 * and 22 removes the promise hooks an enabled AsyncLocalStorage costs every promise of the
 * process (./egress.ts); the next call enables them again. Nothing reads either storage
 * outside an SDK call: our own calls carry their mark and signal themselves.
 */
let sdkCallsInFlight = 0;
function settled(): void {
  if (--sdkCallsInFlight > 0) return;
  scopes.disable();
  pauseOscEgressContext();
}

/** Runs `fn` with `scope` attached to every request it dispatches. */
export function runInUpstreamScope<T>(scope: UpstreamScope, fn: () => Promise<T>): Promise<T> {
  sdkCallsInFlight++;
  let running: Promise<T>;
  try {
    running = scopes.run(scope, () => runAsOscEgress(fn));
  } catch (err) {
    settled();
    throw err;
  }
  running.then(settled, settled);
  return running;
}

/** Forwards every callback to the fetch handler; aborts the request when the scope does. */
class ScopedHandler extends ForwardingHandler {
  private release: (() => void) | undefined;
  constructor(
    private readonly scope: UpstreamScope,
    inner: Dispatcher.DispatchHandlers,
  ) {
    super(inner);
  }
  override onConnect(abort: (err?: Error) => void): void {
    const { signal } = this.scope;
    const onAbort = () => abort(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    this.release?.();
    if (signal.aborted) onAbort();
    else {
      signal.addEventListener('abort', onAbort, { once: true });
      this.release = () => signal.removeEventListener('abort', onAbort);
    }
    super.onConnect(abort);
  }
  override onError(err: Error): void {
    this.release?.();
    this.scope.failure = err;
    super.onError(err);
  }
  override onComplete(trailers: string[] | null): void {
    this.release?.();
    super.onComplete(trailers);
  }
}

/** Attaches the current scope (if any) to each request, then hands it to `inner`. */
export class ScopedDispatcher extends WrappingDispatcher {
  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
    const scope = scopes.getStore();
    return this.inner.dispatch(opts, scope ? new ScopedHandler(scope, handler) : handler);
  }
}

export interface OscDispatcherOptions {
  /** OSC_EMULATOR_URL: send `https://*.osaas.io` there instead (docs/architecture.md, "The emulator and the sandbox"). */
  emulatorUrl?: string;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Largest response body read from any upstream (default 8 MiB, UPSTREAM-11). */
  maxResponseBytes?: number;
}

/** Installs the global dispatcher and returns it (close it on shutdown). */
export function installOscDispatcher(opts: OscDispatcherOptions): Dispatcher {
  for (const k of ['connectTimeoutMs', 'headersTimeoutMs', 'bodyTimeoutMs'] as const) {
    if (!(opts[k] > 0)) throw new TypeError(`installOscDispatcher: ${k} must be a positive number`);
  }
  const agent = new Agent({
    connect: { timeout: opts.connectTimeoutMs },
    headersTimeout: opts.headersTimeoutMs,
    bodyTimeout: opts.bodyTimeoutMs,
    maxResponseSize: opts.maxResponseBytes ?? 8 * 1024 * 1024,
  });
  const toOsc = opts.emulatorUrl ? new EmulatorRedirect(opts.emulatorUrl, agent) : agent;
  // The guard sees the origin the caller named, before the emulator redirect rewrites it.
  const dispatcher = new ScopedDispatcher(new OscEgressGuard(toOsc));
  setGlobalDispatcher(dispatcher);
  return dispatcher;
}
