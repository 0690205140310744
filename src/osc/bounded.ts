/**
 * A deadline for one piece of work: the caller's signal plus a timeout, as one
 * AbortController and one timer, both released the moment the work settles.
 * `AbortSignal.any([signal, AbortSignal.timeout(ms)])` costs about ten times as much CPU
 * and leaves its timer and a tracked signal alive for the whole timeout after the work is
 * done (issue 18); the bounds themselves (UPSTREAM-10) are unchanged.
 */
/** A signal that never aborts, for work that must run on its own timeout only. */
export const NEVER = new AbortController().signal;

/**
 * The reason the call signal is aborted with once the work has settled: fetch registers a
 * request's signal in undici's FinalizationRegistry, holding it (and its listeners, and what
 * they reach) until a garbage collection has finalized the request, so every upstream call's
 * graph outlived it by seconds and was promoted to the old generation (issue 18,
 * bench/README.md "RSS after calls"). Aborting drops the registration at once. One shared
 * reason: abort() without one builds a DOMException with a stack.
 */
const SETTLED = new DOMException('The work has settled', 'AbortError');

/**
 * `fn` under `signal` and a `ms` timeout; the timer and the listener go when `fn` settles,
 * and the call signal is then aborted (nothing of `fn`'s still runs on it: see SETTLED).
 */
export async function bounded<T>(
  signal: AbortSignal,
  ms: number,
  fn: (callSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  const c = new AbortController();
  const onAbort = () => c.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(
    () => c.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    ms,
  );
  try {
    return await fn(c.signal);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    if (!c.signal.aborted) c.abort(SETTLED);
  }
}
