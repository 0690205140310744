/**
 * An undici Dispatcher that wraps another one: subclasses decide what `dispatch` does;
 * closing and destroying always reach the wrapped dispatcher (both callback and promise
 * forms, as undici's own dispatchers offer them).
 */
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
