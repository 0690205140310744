/** Waiting for a condition, the one way every test does it. */

/**
 * Polls `check` every 20 ms until it holds: it resolves with anything but `false` (a
 * rejection counts as "not yet"). Resolves with the milliseconds it took; throws after
 * `limitMs`, naming `what` and carrying the last rejection as its cause.
 */
export async function until(check: () => Promise<unknown>, limitMs: number, what = 'condition'): Promise<number> {
  const started = Date.now();
  for (;;) {
    let last: unknown;
    try {
      if ((await check()) !== false) return Date.now() - started;
    } catch (err) {
      last = err;
    }
    if (Date.now() - started > limitMs) throw new Error(`${what}: not within ${limitMs} ms`, { cause: last });
    await new Promise((r) => setTimeout(r, 20));
  }
}
