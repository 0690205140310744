/**
 * Sends every request for `https://*.osaas.io` (and `https://osaas.io`) to the offline
 * emulator instead, keeping the original host in the `Host` header so the emulator can
 * route on it (docs/architecture.md, "The emulator and the sandbox"; src/emulator/README.md option 1). Everything else passes
 * through to `inner` untouched. Node's built-in `fetch` (which `@osaas/client-core` calls,
 * src/emulator/README.md) honours an undici global dispatcher, so installing this redirects the
 * SDK without modifying it. Production never installs it (`OSC_EMULATOR_URL` unset).
 */
import { Agent, type Dispatcher, setGlobalDispatcher } from 'undici';
import { isOscUrl } from './hosts.js';
import { WrappingDispatcher } from './wrapping-dispatcher.js';

type Headers = Dispatcher.DispatchOptions['headers'];

/**
 * The request headers as a flat `[name, value, …]` list with `host` replaced. undici hands
 * headers over as a plain object, a list of `[name, value]` pairs, a flat list, or any
 * iterable of pairs; each is handled.
 */
export function withHost(headers: Headers, host: string): string[] {
  const out: string[] = [];
  const push = (k: unknown, v: unknown): void => {
    if (typeof k !== 'string' || k.toLowerCase() === 'host' || v === undefined || v === null) return;
    if (Array.isArray(v)) for (const x of v) out.push(k, String(x));
    else out.push(k, String(v));
  };
  if (headers == null) {
    // nothing to copy
  } else if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0])) {
      for (const pair of headers as unknown as Array<[unknown, unknown]>) push(pair[0], pair[1]);
    } else {
      for (let i = 0; i + 1 < headers.length; i += 2) push(headers[i], headers[i + 1]);
    }
  } else if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const pair of headers as Iterable<[string, unknown]>) push(pair[0], pair[1]);
  } else {
    for (const [k, v] of Object.entries(headers as Record<string, unknown>)) push(k, v);
  }
  out.push('host', host);
  return out;
}

export class EmulatorRedirect extends WrappingDispatcher {
  private readonly target: string;

  constructor(emulatorUrl: string, inner: Dispatcher) {
    super(inner);
    const u = new URL(emulatorUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      throw new TypeError('EmulatorRedirect: emulatorUrl must be http(s)');
    this.target = u.origin;
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
    let origin: URL | undefined;
    try {
      origin = opts.origin === undefined ? undefined : new URL(String(opts.origin));
    } catch {
      origin = undefined;
    }
    if (!origin || !isOscUrl(origin)) return this.inner.dispatch(opts, handler);
    return this.inner.dispatch({ ...opts, origin: this.target, headers: withHost(opts.headers, origin.host) }, handler);
  }
}

/** Makes every `fetch` of this process that targets OSC go to the emulator. */
export function installEmulatorRedirect(emulatorUrl: string, inner: Dispatcher = new Agent()): void {
  setGlobalDispatcher(new EmulatorRedirect(emulatorUrl, inner));
}
