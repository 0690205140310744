// UPSTREAM-11 (docs/security.md): readCapped (src/osc/upstream-http.ts) reads at most what it
// keeps from an upstream body, whatever stream it is (an undici reply, a fetch stream), and
// stops the stream as soon as it has enough.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCapped } from '../../../src/osc/upstream-http.js';

/** A body of `chunks`, counting how many were pulled and whether it was stopped early. */
function body(chunks: string[]) {
  const seen = { pulled: 0, stopped: false };
  const iterable: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        async next() {
          if (i >= chunks.length) return { done: true, value: undefined };
          seen.pulled += 1;
          return { done: false, value: Buffer.from(chunks[i++]!) };
        },
        async return() {
          seen.stopped = true;
          return { done: true, value: undefined };
        },
      };
    },
  };
  return { iterable, seen };
}

describe('readCapped', () => {
  it('head: a body within the limit is read whole', async () => {
    const { iterable, seen } = body(['ab', 'cd']);
    expect(await readCapped(iterable, 4, 'head')).toEqual({ text: 'abcd', truncated: false });
    expect(seen).toEqual({ pulled: 2, stopped: false });
  });

  it('head: past the limit it keeps the first bytes and stops the stream at once', async () => {
    const { iterable, seen } = body(['abc', 'def', 'ghi', 'jkl']);
    expect(await readCapped(iterable, 4, 'head')).toEqual({ text: 'abcd', truncated: true });
    expect(seen).toEqual({ pulled: 2, stopped: true });
  });

  it('tail: keeps the last bytes, and gives up past 16 times the limit', async () => {
    expect(await readCapped(body(['abc', 'def', 'ghi']).iterable, 4, 'tail')).toEqual({
      text: 'fghi',
      truncated: true,
    });
    const long = body(Array.from({ length: 100 }, () => 'xy'));
    expect((await readCapped(long.iterable, 2, 'tail')).truncated).toBe(true);
    expect(long.seen).toEqual({ pulled: 17, stopped: true });
  });

  it('no body → empty; a Node stream (an undici reply) and a web stream read the same', async () => {
    expect(await readCapped(null, 4, 'head')).toEqual({ text: '', truncated: false });
    expect(await readCapped(Readable.from([Buffer.from('hello')]), 10, 'head')).toEqual({
      text: 'hello',
      truncated: false,
    });
    expect(await readCapped(new Response('hello').body, 3, 'head')).toEqual({ text: 'hel', truncated: true });
  });
});
