/**
 * An undici Dispatcher that wraps another one: subclasses decide what `dispatch` does;
 * closing and destroying always reach the wrapped dispatcher (both callback and promise
 * forms, as undici's own dispatchers offer them).
 */
import type { Duplex } from 'node:stream';
import { Dispatcher } from 'undici';

export abstract class WrappingDispatcher extends Dispatcher {
  constructor(protected readonly inner: Dispatcher) {
    super();
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    const p = this.inner.close();
    if (!callback) return p;
    p.then(callback, callback);
  }

  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    const err = typeof a === 'function' ? null : (a ?? null);
    const callback = typeof a === 'function' ? a : b;
    const p = this.inner.destroy(err);
    if (!callback) return p;
    p.then(callback, callback);
  }
}

/** Forwards every callback of a dispatched request to `inner`; subclasses override what they watch. */
export class ForwardingHandler implements Dispatcher.DispatchHandlers {
  constructor(protected readonly inner: Dispatcher.DispatchHandlers) {}
  onConnect(abort: (err?: Error) => void): void {
    this.inner.onConnect?.(abort);
  }
  onError(err: Error): void {
    this.inner.onError?.(err);
  }
  onComplete(trailers: string[] | null): void {
    this.inner.onComplete?.(trailers);
  }
  onUpgrade(statusCode: number, headers: Buffer[] | string[] | null, socket: Duplex): void {
    this.inner.onUpgrade?.(statusCode, headers, socket);
  }
  onResponseStarted(): void {
    this.inner.onResponseStarted?.();
  }
  onHeaders(statusCode: number, headers: Buffer[], resume: () => void, statusText: string): boolean {
    return this.inner.onHeaders?.(statusCode, headers, resume, statusText) ?? true;
  }
  onData(chunk: Buffer): boolean {
    return this.inner.onData?.(chunk) ?? true;
  }
  onBodySent(chunkSize: number, totalBytesSent: number): void {
    this.inner.onBodySent?.(chunkSize, totalBytesSent);
  }
}
