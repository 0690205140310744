/**
 * The Node side of the MCP route: the Express request as a web `Request`, the handler's
 * `Response` written back to `res` (with write backpressure for streamed SSE). It does what
 * `toNodeHandler` of `@modelcontextprotocol/node` does, with three differences, all for the
 * cost of a request (issue 18, bench/README.md "Where the CPU goes" and "RSS after calls"):
 *
 * - The web `Request` carries no abort signal. The handler gets one in `opts.signal`
 *   (aborted when the client goes away, MCP-09) and attaches it where the SDK reads it, on the
 *   2026-07-28 path. A `Request` built with a signal is registered in undici's
 *   FinalizationRegistry with that signal as the held value, so the signal, its listeners and
 *   everything their closures reach (this request's `req`, `res`, MCP server and tools) stay
 *   reachable until a GC has collected the `Request` and its finalizer has run: under load
 *   that kept about 600 requests' graphs alive and drove RSS to 1 GB after 10,000 calls. So
 *   the signal is also aborted once the response is written, which makes undici drop the
 *   registration and every listener at once.
 * - With a parsed body the `Request` has no body: the handler reads `opts.parsedBody` (the
 *   SDK's transports and `isLegacyRequest` never read the request's body when given one),
 *   and a body costs a serialisation and a web stream per request.
 * - A response that is not an event stream is collected and written in one piece with its
 *   `Content-Length` (one socket write instead of a chunk and a chunked-encoding trailer).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toWebRequest } from '@modelcontextprotocol/node';
import type { AuthInfo } from '@modelcontextprotocol/server';
import { jsonRpcErrorBody, RPC } from '../http/json-rpc.js';

/** What the handler gets besides the request: the bearer check's `req.auth`, the parsed body and the signal. */
export interface WebHandlerOptions {
  authInfo?: AuthInfo;
  parsedBody?: unknown;
  /** Aborted when the client goes away before the response is written (MCP-09), and once it is. */
  signal: AbortSignal;
}

export interface WebHandler {
  fetch(request: Request, opts: WebHandlerOptions): Promise<Response>;
}

/** The reason of the release after the response is written: nothing is listening for it by then. */
const RELEASED = new DOMException('The response was written', 'AbortError');

/** Request headers a bodiless web `Request` must not claim (toWebRequest drops the same for a re-serialised body). */
const BODY_HEADERS = new Set(['content-length', 'content-encoding', 'transfer-encoding']);

/** `req` as a web `Request` without a body, for a handler that reads the parsed body it is given. */
function bodilessRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const name in req.headers) {
    const value = req.headers[name];
    if (value === undefined || name.charCodeAt(0) === 58 /* ':' */ || BODY_HEADERS.has(name)) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const host = req.headers.host ?? 'localhost';
  return new Request(`http://${host}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers });
}

/** Serves `req` with `handler`; `onerror` sees a failure before the 500 is written. */
export async function serveWebHandler(
  handler: WebHandler,
  req: IncomingMessage & { auth?: AuthInfo },
  res: ServerResponse,
  parsedBody: unknown,
  onerror: (err: Error) => void,
): Promise<void> {
  const abort = new AbortController();
  let finished = false;
  // A client that goes away aborts the request's work (MCP-09).
  const onClose = () => {
    if (!finished) abort.abort();
  };
  res.on('close', onClose);
  if (res.destroyed) abort.abort();
  try {
    let response: Response;
    // A body that is not an event stream, read whole (a JSON answer is already all there).
    let whole: Buffer | undefined;
    try {
      const request = parsedBody === undefined ? await toWebRequest(req) : bodilessRequest(req);
      response = await handler.fetch(request, {
        ...(req.auth !== undefined && { authInfo: req.auth }),
        ...(parsedBody !== undefined && { parsedBody }),
        signal: abort.signal,
      });
      if (response.body !== null && !response.headers.get('content-type')?.startsWith('text/event-stream'))
        whole = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      onerror(error instanceof Error ? error : new Error(String(error)));
      response = Response.json(jsonRpcErrorBody(RPC.internalError, 'Internal server error'), { status: 500 });
      whole = Buffer.from(await response.arrayBuffer());
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of response.headers) headers[name] = value;
    if (whole) {
      headers['content-length'] = String(whole.byteLength);
      res.writeHead(response.status, headers);
      if (!abort.signal.aborted) res.end(whole);
    } else {
      res.writeHead(response.status, headers);
      if (response.body !== null) await stream(response.body, res, abort.signal);
    }
  } finally {
    finished = true;
    res.off('close', onClose);
    res.end();
    // Releases undici's hold on the signal and its listeners (see above); the work is done.
    // With a shared reason: abort() without one builds a DOMException, whose stack capture
    // cost about 40 µs per request (bench/README.md "Where the CPU goes").
    if (!abort.signal.aborted) abort.abort(RELEASED);
  }
}

/** Copies an event stream to `res` as it comes, waiting for `drain`; stops when `signal` aborts. */
async function stream(body: ReadableStream<Uint8Array>, res: ServerResponse, signal: AbortSignal): Promise<void> {
  let drained: (() => void) | undefined;
  const onDrain = () => {
    drained?.();
    drained = undefined;
  };
  res.on('drain', onDrain);
  signal.addEventListener('abort', onDrain, { once: true });
  try {
    for await (const chunk of body) {
      if (signal.aborted) break;
      if (!res.write(chunk)) await new Promise<void>((resolve) => (drained = resolve));
    }
  } catch {
    // The client went away or the stream failed: end what was written.
  } finally {
    res.off('drain', onDrain);
    signal.removeEventListener('abort', onDrain);
  }
}
