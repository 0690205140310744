/**
 * A stack whose server and memory store read one movable clock, as both move together in
 * production, and a way to count what the memory store holds (to prove what was, or was
 * not, written). The emulator keeps a clock of its own (`control.advanceClock`).
 */
import { MemoryTokenStore } from '../../src/storage/memory-store.js';
import { startStack, type Stack, type StackOptions } from './stack.js';

/** Real time plus an offset the test moves: the server and its store read the same one. */
export interface TestClock {
  now: () => number;
  advance(ms: number): void;
}

export function testClock(): TestClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(ms) {
      offset += ms;
    },
  };
}

export interface ClockedStack extends Stack {
  clock: TestClock;
  memory: MemoryTokenStore;
}

/**
 * A stack whose server (`overrides.now`) and memory store (TTLs) share one movable clock,
 * the way both move together in production. The emulator keeps its own clock
 * (`control.advanceClock`).
 */
export async function startClockedStack(opts: Omit<StackOptions, 'store'> = {}): Promise<ClockedStack> {
  const clock = testClock();
  const memory = new MemoryTokenStore({ now: clock.now, sweepIntervalMs: 0 });
  const stack = await startStack({ ...opts, store: memory, overrides: { ...opts.overrides, now: clock.now } });
  return Object.assign(stack, { clock, memory });
}

/** Live records per kind in a memory store (expired ones are swept first). */
export function countKinds(memory: MemoryTokenStore): Record<string, number> {
  memory.sweep();
  const out: Record<string, number> = {};
  // The store keeps `<kind>:<id>` keys in a private map; tests may read it to prove what was (not) written.
  // biome-ignore lint/complexity/useLiteralKeys: `entries` is private; only bracket access reaches it.
  for (const key of (memory['entries'] as Map<string, unknown>).keys()) {
    const kind = key.slice(0, key.indexOf(':'));
    out[kind] = (out[kind] ?? 0) + 1;
  }
  return out;
}
