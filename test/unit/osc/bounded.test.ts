// UPSTREAM-10 bounds (src/osc/bounded.ts): the caller's signal and the timeout both reach the
// work; once the work has settled its call signal is aborted, which releases what fetch
// registered on it (issue 18, bench/README.md "RSS after calls"), and the caller's signal
// keeps no listener of ours.
import { describe, expect, it } from 'vitest';
import { bounded } from '../../../src/osc/bounded.js';

describe('bounded', () => {
  it('aborts the call signal once the work has settled, resolved or rejected', async () => {
    const parent = new AbortController();
    let seen: AbortSignal | undefined;
    expect(
      await bounded(parent.signal, 10_000, async (s) => {
        seen = s;
        expect(s.aborted).toBe(false);
        return 7;
      }),
    ).toBe(7);
    expect(seen!.aborted).toBe(true);
    expect((seen!.reason as DOMException).name).toBe('AbortError');
    await expect(
      bounded(parent.signal, 10_000, async (s) => {
        seen = s;
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(seen!.aborted).toBe(true);
    // The caller's signal is left as it was: aborting it now reaches nothing of ours.
    parent.abort(new Error('late'));
  });

  it("passes the caller's abort and the timeout to the work, with their reasons", async () => {
    const parent = new AbortController();
    const byParent = bounded(
      parent.signal,
      10_000,
      (s) => new Promise((_, reject) => s.addEventListener('abort', () => reject(s.reason))),
    );
    parent.abort(new Error('client left'));
    await expect(byParent).rejects.toThrow('client left');
    const byTimeout = bounded(
      new AbortController().signal,
      5,
      (s) => new Promise((_, reject) => s.addEventListener('abort', () => reject(s.reason))),
    );
    await expect(byTimeout).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
