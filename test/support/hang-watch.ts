/**
 * Hang detection for a run of calls made one at a time (the fuzz runs, FUZZ-01 and FUZZ-02):
 * a call still unanswered `limitMs` after it started fails as a hang. One interval watches
 * the run, rather than a timer, a race and a `finally` per call: tens of thousands of calls
 * a run, where the timers cost as much as a small call (260,000 calls: about 0.27 s of CPU
 * with a timer each, 0.08 s watched).
 *
 * The limit is wall time, so a stall of the whole process (a collection, the machine's other
 * work) can push a call's next event-loop turn past it: a call found over the limit still
 * gets the turns already due (three check phases) before it counts as unanswered, and a call
 * that hangs stays unanswered. A hang is noticed within a quarter of the limit (at most a
 * second) after it.
 */
export interface HangWatch {
  /** What `call` settles to, or a rejection naming `what()` once it has been unanswered longer than the limit. */
  answer<T>(call: Promise<T>, what: () => string): Promise<T>;
  /** Ends the watch (the interval would keep the process alive). */
  stop(): void;
}

interface InFlight {
  since: number;
  reject: (err: Error) => void;
  what: () => string;
}

export function hangWatch(limitMs: number): HangWatch {
  let inflight: InFlight | undefined;
  const timer = setInterval(
    async () => {
      const call = inflight;
      if (!call || performance.now() - call.since <= limitMs) return;
      for (let turn = 0; turn < 3 && inflight === call; turn++) await new Promise((r) => setImmediate(r));
      if (inflight !== call) return;
      inflight = undefined;
      call.reject(new Error(`no answer within ${limitMs / 1000} s: ${call.what()}`));
    },
    Math.min(1_000, limitMs / 4),
  );
  return {
    answer<T>(call: Promise<T>, what: () => string): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const me: InFlight = { since: performance.now(), reject, what };
        inflight = me;
        call.then(
          (value) => {
            if (inflight === me) inflight = undefined;
            resolve(value);
          },
          (err: unknown) => {
            if (inflight === me) inflight = undefined;
            reject(err);
          },
        );
      });
    },
    stop: () => clearInterval(timer),
  };
}
