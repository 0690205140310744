/**
 * A request handler whose module loads on the first request that reaches it, so the boot
 * (process start to `/healthz`) does not pay for code one route alone needs (issue 18:
 * the MCP SDK and the tools' schemas). Once loaded, a request costs one property check
 * more than calling the handler itself. A failed load answers that request through the
 * error handler and is retried by the next one.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export function lazyHandler(load: () => Promise<RequestHandler>): RequestHandler {
  let handler: RequestHandler | undefined;
  let loading: Promise<RequestHandler> | undefined;
  return function lazy(req: Request, res: Response, next: NextFunction) {
    if (handler) return handler(req, res, next);
    loading ??= load().then(
      (h) => (handler = h),
      (err: unknown) => {
        loading = undefined;
        throw err;
      },
    );
    return loading.then((h) => h(req, res, next), next);
  };
}
