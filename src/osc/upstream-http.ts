/**
 * Direct calls to OSC for what the SDK does not serve within our rules (sdk-platform.ts
 * says which and why). Every call: the caller's signal, which carries the per-call timeout
 * and the tool's deadline (OscSession.bounded, UPSTREAM-10),
 * a size cap on what is read (UPSTREAM-11), no redirects followed (EGRESS-02), and failures
 * typed by the one factory in ./errors.ts. OSC's text never leaves except as `detail`.
 */
import { type Dispatcher, request } from 'undici';
import { OSC_EGRESS } from './egress.js';
import { UpstreamBadResponseError } from '../errors.js';
import { toUpstreamError } from './upstream-errors.js';

export interface OscCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: URL;
  headers: Record<string, string>;
  /** Serialized as JSON when present. */
  json?: unknown;
  /** The tool's signal with the per-call timeout already in it (OscSession.bounded). */
  signal: AbortSignal;
}

const ERROR_BODY_BYTES = 2048;
const JSON_BYTES = 1024 * 1024;

type Reply = Dispatcher.ResponseData;

/** A response header's value; a repeated header's values joined as fetch's Headers would. */
function header(res: Reply, name: string): string | null {
  const v = res.headers[name];
  return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
}

/**
 * One request through OSC_EGRESS with undici's `request`, not `fetch`: the same dispatcher,
 * abort reasons and errors (./upstream-errors.ts reads both), for about a third of fetch's CPU
 * (Node 20, a loopback POST with a JSON answer: ~850 µs through fetch against ~250 µs).
 * `request` follows no redirect (EGRESS-02): a 3xx is a reply like any other, and not 2xx.
 */
async function send(call: OscCall): Promise<Reply> {
  const headers =
    call.json === undefined ? call.headers : Object.assign({}, call.headers, { 'content-type': 'application/json' });
  let res: Reply;
  try {
    res = await request(call.url, {
      method: call.method,
      headers,
      body: call.json === undefined ? undefined : JSON.stringify(call.json),
      signal: call.signal,
      dispatcher: OSC_EGRESS,
    });
  } catch (err) {
    throw toUpstreamError(err);
  }
  if (res.statusCode >= 200 && res.statusCode < 300) return res;
  const { text } = await readCapped(res.body, ERROR_BODY_BYTES, 'head').catch(() => ({ text: '' }));
  throw toUpstreamError({ status: res.statusCode, body: text, retryAfter: header(res, 'retry-after') });
}

/**
 * Reads a body (an undici reply's, or any async-iterable stream of bytes) up to `limit` bytes. `head`
 * stops at the limit; `tail` keeps reading (up to 16× the limit, then gives up) and keeps the
 * last `limit` bytes, for logs. Leaving the loop early cancels the body, so what is not read is
 * never buffered.
 */
export async function readCapped(
  body: AsyncIterable<Uint8Array> | null | undefined,
  limit: number,
  keep: 'head' | 'tail',
): Promise<{ text: string; truncated: boolean }> {
  if (!body) return { text: '', truncated: false };
  const chunks: Uint8Array[] = [];
  let held = 0;
  let seen = 0;
  let truncated = false;
  for await (const value of body) {
    seen += value.byteLength;
    chunks.push(value);
    held += value.byteLength;
    if (keep === 'head' && held > limit) {
      truncated = true;
      break;
    }
    while (keep === 'tail' && held - (chunks[0]?.byteLength ?? 0) >= limit) held -= chunks.shift()!.byteLength;
    if (keep === 'tail' && seen > limit * 16) {
      truncated = true;
      break;
    }
  }
  let buf = Buffer.concat(chunks);
  if (buf.byteLength > limit) {
    truncated = true;
    buf = keep === 'head' ? buf.subarray(0, limit) : buf.subarray(buf.byteLength - limit);
  }
  if (seen > buf.byteLength) truncated = true;
  return { text: buf.toString('utf8'), truncated };
}

/** A 2xx JSON body (undefined when empty), parsed; anything else is a bad response. */
export async function oscJson(call: OscCall): Promise<unknown> {
  const res = await send(call);
  try {
    const { text, truncated } = await readCapped(res.body, JSON_BYTES, 'head');
    if (truncated) throw new UpstreamBadResponseError('OSC sent an oversized response');
    if (text.trim() === '') return undefined;
    if (!(header(res, 'content-type') ?? '').includes('json')) {
      throw new UpstreamBadResponseError('OSC sent a response that is not JSON', { detail: text.slice(0, 200) });
    }
    return JSON.parse(text);
  } catch (err) {
    throw toUpstreamError(err);
  }
}

/** A 2xx text body, capped; the most recent `limit` bytes are kept. */
export async function oscText(
  call: OscCall,
  limit: number,
): Promise<{ text: string; truncated: boolean; contentType: string }> {
  const res = await send(call);
  try {
    return { ...(await readCapped(res.body, limit, 'tail')), contentType: header(res, 'content-type') ?? '' };
  } catch (err) {
    throw toUpstreamError(err);
  }
}

/** A call whose 2xx body we do not need (restart: 204). */
export async function oscSend(call: OscCall): Promise<void> {
  const res = await send(call);
  await res.body.dump().catch(() => undefined);
}
