/**
 * The Node side of the MCP route: the Express request as a web `Request`, the handler's
 * `Response` written back to `res` (with write backpressure for streamed SSE). It does what
 * `toNodeHandler` of `@modelcontextprotocol/node` does, plus one thing: once the response is
 * written, the request's abort signal is released.
 *
 * Why (issue 18, bench/README.md "RSS after calls"): the web `Request` built with a signal is
 * registered in undici's FinalizationRegistry with that signal as the held value, so the
 * signal, its listeners and everything their closures reach (this request's `req`, `res`, MCP
 * server and tools) stay reachable until a GC has collected the `Request` and its finalizer
 * has run. Under load that kept about 600 requests' graphs alive at any time, promoted them
 * to the old generation and drove RSS to 1 GB after 10,000 calls. Aborting the controller
 * after the response ends makes undici drop the registration and every listener at once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toWebRequest } from '@modelcontextprotocol/node';
import type { AuthInfo } from '@modelcontextprotocol/server';
import { jsonRpcErrorBody, RPC } from '../http/json-rpc.js';

/** What the handler gets besides the request: the bearer check's `req.auth` and the parsed body. */
export interface WebHandlerOptions {
  authInfo?: AuthInfo;
  parsedBody?: unknown;
}

export interface WebHandler {
  fetch(request: Request, opts: WebHandlerOptions): Promise<Response>;
}

/** The reason of the release after the response is written: nothing is listening for it by then. */
const RELEASED = new DOMException('The response was written', 'AbortError');

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
    try {
      const request = await toWebRequest(req, parsedBody, { signal: abort.signal });
      response = await handler.fetch(request, {
        ...(req.auth !== undefined && { authInfo: req.auth }),
        ...(parsedBody !== undefined && { parsedBody }),
      });
    } catch (error) {
      onerror(error instanceof Error ? error : new Error(String(error)));
      response = Response.json(jsonRpcErrorBody(RPC.internalError, 'Internal server error'), { status: 500 });
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of response.headers) headers[name] = value;
    res.writeHead(response.status, headers);
    if (response.body !== null) {
      let drained: (() => void) | undefined;
      const onDrain = () => {
        drained?.();
        drained = undefined;
      };
      const onAbort = () => onDrain();
      res.on('drain', onDrain);
      abort.signal.addEventListener('abort', onAbort, { once: true });
      try {
        for await (const chunk of response.body) {
          if (abort.signal.aborted) break;
          if (!res.write(chunk)) await new Promise<void>((resolve) => (drained = resolve));
        }
      } catch {
        // The client went away or the stream failed: end what was written.
      } finally {
        res.off('drain', onDrain);
        abort.signal.removeEventListener('abort', onAbort);
      }
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
