/**
 * One HTTP request handed to a Node request handler (the Express app) in this process, with
 * no socket and no port: a real `IncomingMessage` fed from memory and a real `ServerResponse`
 * whose bytes are collected instead of sent. Fast enough for tens of thousands of requests a
 * test (FUZZ-02), and allowed in the unit project (nothing listens, nothing is spawned).
 */
import { IncomingMessage, ServerResponse, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';

export interface InjectRequest {
  method: string;
  /** Path and query, e.g. `/authorize?client_id=x`. */
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  remoteAddress?: string;
  /** The Host header when `headers` has none. */
  host?: string;
}

export interface InjectResponse {
  status: number;
  headers: Record<string, number | string | string[] | undefined>;
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A socket that is never connected: it delivers nothing, and the response's writes are dropped.
 * One class rather than properties assigned to each request's stream, so every socket shares
 * one shape and its methods.
 */
class NullSocket extends Writable {
  readonly remotePort = 40000;
  readonly encrypted = false;
  // "Readable" for on-finished (body parsers skip a request whose socket is not); the body
  // itself comes from the message's own buffer, so resuming it reads nothing.
  readonly readable = true;
  constructor(readonly remoteAddress: string) {
    super();
  }
  override _write(_chunk: unknown, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    cb();
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  override cork(): void {}
  override uncork(): void {}
}

/**
 * The classes a server would build `handler`'s messages from: an express app's request and
 * response prototypes belong to classes when its server builds them (src/http/message-classes.ts);
 * otherwise, and for a plain function, node's own.
 */
function messageClassesOf(handler: Handler): { Req: typeof IncomingMessage; Res: typeof ServerResponse } {
  const app = handler as Partial<Record<'request' | 'response', { constructor?: unknown }>>;
  const Req = app.request?.constructor;
  const Res = app.response?.constructor;
  return {
    Req:
      typeof Req === 'function' && Req.prototype instanceof IncomingMessage
        ? (Req as typeof IncomingMessage)
        : IncomingMessage,
    Res:
      typeof Res === 'function' && Res.prototype instanceof ServerResponse
        ? (Res as typeof ServerResponse)
        : ServerResponse,
  };
}

export function inject(handler: Handler, r: InjectRequest): Promise<InjectResponse> {
  const { Req, Res } = messageClassesOf(handler);
  return new Promise((resolve, reject) => {
    const socket = new NullSocket(r.remoteAddress ?? '127.0.0.1') as unknown as Socket;
    const req = new Req(socket);
    const body = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body);
    const headers: IncomingHttpHeaders = {};
    const raw: string[] = [];
    for (const [k, v] of Object.entries(r.headers ?? {})) {
      headers[k.toLowerCase()] = v;
      raw.push(k, v);
    }
    if (body && headers['content-length'] === undefined) {
      headers['content-length'] = String(body.length);
      raw.push('content-length', String(body.length));
    }
    headers.host ??= r.host ?? 'localhost';
    req.method = r.method;
    req.url = r.url;
    req.headers = headers;
    req.rawHeaders = raw;
    req.httpVersionMajor = 1;
    req.httpVersionMinor = 1;
    req.httpVersion = '1.1';
    if (body) req.push(body);
    req.push(null);
    // The whole message is here, as the parser says on a real socket; an incomplete message
    // would count as aborted once read, and its destruction would close the socket under the
    // response.
    req.complete = true;

    const res = new Res(req);
    res.assignSocket(socket);
    const chunks: Buffer[] = [];
    const write = res.write.bind(res);
    const end = res.end.bind(res);
    const keep = (data: unknown, enc?: unknown) => {
      if (data === undefined || data === null || typeof data === 'function') return;
      chunks.push(
        Buffer.isBuffer(data)
          ? data
          : data instanceof Uint8Array
            ? Buffer.from(data)
            : Buffer.from(String(data), typeof enc === 'string' ? (enc as BufferEncoding) : 'utf8'),
      );
    };
    res.write = ((data: unknown, enc?: unknown, cb?: unknown) => {
      keep(data, enc);
      return write(data as string, enc as BufferEncoding, cb as () => void);
    }) as typeof res.write;
    res.end = ((data?: unknown, enc?: unknown, cb?: unknown) => {
      keep(data, enc);
      return end(data as string, enc as BufferEncoding, cb as () => void);
    }) as typeof res.end;
    // Answered once the response has finished (its socket write callbacks have run), not when
    // `end` is called: an `end` that resolved at once let a caller's await loop run request
    // after request in microtasks while every request's pending nextTicks (the socket's write
    // callbacks, the body's readable events) and so every request stayed queued: about 10 KB
    // a request kept until the loop ended, most of FUZZ-02's CPU spent in the garbage collector.
    const done = () =>
      resolve({ status: res.statusCode, headers: res.getHeaders(), body: Buffer.concat(chunks).toString('utf8') });
    res.once('finish', done);
    res.once('close', done);
    try {
      handler(req, res);
    } catch (err) {
      reject(err);
    }
  });
}
