/**
 * Wraps a handler with what every emulated route shares: the per-route call counter,
 * global latency, and fault injection (faults.ts). `commit` runs the real handler first
 * (its effects stay) and then answers with the fault; `hang` keeps the response open until
 * the client closes the socket, counted in `stats.hangsClosed`.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Fault } from './faults.js';
import { send, type Reply } from './reply.js';
import type { EmulatorState } from './state.js';

export type Handler = (req: Request) => Reply | Promise<Reply>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function route(state: EmulatorState, id: string | ((req: Request) => string), handler: Handler): RequestHandler {
  return async (req, res) => {
    const routeId = typeof id === 'string' ? id : id(req);
    state.count(routeId);
    if (state.latencyMs > 0) await sleep(state.latencyMs);
    const fault = state.faults.take(routeId);
    if (!fault) return send(res, await handler(req));
    await applyFault(state, fault, req, res, handler, routeId);
  };
}

async function applyFault(
  state: EmulatorState,
  fault: Fault,
  req: Request,
  res: Response,
  handler: Handler,
  routeId: string,
): Promise<void> {
  const overrides = fault.status !== undefined || fault.body !== undefined;
  if (fault.delayMs && !fault.commit) await sleep(fault.delayMs);
  let real: Reply | undefined;
  if (fault.commit || (!overrides && !fault.hang && !fault.reset)) real = await handler(req);
  if (fault.delayMs && fault.commit) await sleep(fault.delayMs);
  if (fault.reset) {
    req.socket.destroy();
    return;
  }
  if (fault.hang) {
    res.once('close', () => {
      state.stats.hangsClosed += 1;
    });
    return;
  }
  send(res, overrides || !real ? faultReply(fault, routeId) : real);
}

function faultReply(fault: Fault, routeId: string): Reply {
  const status = fault.status ?? 500;
  const headers = fault.headers ?? {};
  if (fault.body === undefined) {
    const body = routeId.startsWith('oauth.')
      ? { error: status === 503 ? 'temporarily_unavailable' : 'server_error', error_description: 'Injected fault' }
      : { reason: `Injected fault (${status})` };
    return { status, headers, json: body };
  }
  const raw = typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body);
  const contentType =
    fault.contentType ??
    (typeof fault.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
  return { status, headers, text: fault.bodyRepeat ? raw.repeat(fault.bodyRepeat) : raw, contentType };
}
