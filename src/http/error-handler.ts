/**
 * The last stop for errors that escaped a route: never a stack trace or an internal
 * message on the wire (SECRETS-03). Body-parser failures are client errors in the caller's own
 * protocol: JSON-RPC on /mcp, OAuth elsewhere. Store outages answer 503.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { isUnavailable } from '../errors.js';
import { RPC, sendJsonRpcError } from './json-rpc.js';
import { setRetryAfter } from './unavailable.js';

export function notFound(_req: Request, res: Response): void {
  res.status(404).set('Cache-Control', 'no-store').json({ error: 'not_found', error_description: 'no such endpoint' });
}

export function errorHandler(log: Logger) {
  return function handleError(err: unknown, req: Request, res: Response, _next: NextFunction): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    const e = err as { type?: string; status?: number; statusCode?: number };
    const isMcp = req.path === '/mcp';
    let status = 500;
    let message = 'internal error';
    if (e?.type === 'entity.too.large') [status, message] = [413, 'request body too large'];
    else if (e?.type === 'entity.parse.failed') [status, message] = [400, 'request body is not valid'];
    else if (
      e?.type === 'parameters.too.many' ||
      e?.type === 'charset.unsupported' ||
      e?.type === 'encoding.unsupported'
    )
      [status, message] = [400, 'request body is not valid'];
    else if (isUnavailable(err)) [status, message] = [503, 'temporarily unavailable, retry shortly'];
    else if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
      [status, message] = [e.status, 'bad request'];
    if (status >= 500 && status !== 503) log.error({ err, url: req.path }, 'unhandled error');
    if (status === 503) setRetryAfter(res);
    if (isMcp) {
      const code =
        e?.type === 'entity.parse.failed'
          ? RPC.parseError
          : status === 503
            ? RPC.serverError
            : status >= 500
              ? RPC.internalError
              : RPC.invalidRequest;
      sendJsonRpcError(res, status, code, message);
    } else {
      res
        .status(status)
        .set('Cache-Control', 'no-store')
        .json({
          error: status === 503 ? 'temporarily_unavailable' : status >= 500 ? 'server_error' : 'invalid_request',
          error_description: message,
        });
    }
  };
}
