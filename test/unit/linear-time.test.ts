// REDOS-01..REDOS-06 (issue 16 class 2): every function that scans text an outsider, an
// upstream or a catalog entry controls does work linear in its input. A fast-check
// property builds adversarial strings from pieces known to make backtracking engines
// rescan, and compares the CPU time of one 16 KB input with 64 inputs of 256 B: the same
// number of characters, so linear work gives a ratio near 1, quadratic work near 64.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { redactedUrl } from '../../src/http/request-log.js';
import { scrub, scrubLine } from '../../src/log.js';
import { MAX_MATCHED_VALUE } from '../../src/mcp/linear-pattern.js';
import { checkOptions } from '../../src/mcp/options.js';
import { redactText, redactValue } from '../../src/mcp/redact.js';
import { cleanLogs, stripControls } from '../../src/mcp/sanitize-logs.js';
import type { Service } from '../../src/osc/platform.js';

// CPU-bound by design; on a machine shared by many suites the wall time stretches.
vi.setConfig({ testTimeout: 180_000 });

type Sizes = [small: number, large: number];
/**
 * 256 B → 16 KB: the same 64× growth as 1 KB → 64 KB, but the large input stays in the
 * core's own cache. With 64 KB inputs on a loaded 2-core machine the large side ran from
 * memory shared with other processes and a linear scrubber measured ratios up to 25 in
 * about one run of four (measured; 16 KB: at most 1.5 in twelve runs at load 14).
 */
const B256_TO_16KB: Sizes = [256, 16 * 1024];
/** Linear work gives ~1; quadratic ~64. The margin absorbs GC and JIT noise. */
const MAX_RATIO = 16;

function fill(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** CPU time of `run` in µs: other processes on a shared machine do not inflate it as wall time would. */
function cpuOf(run: () => void): number {
  const t0 = process.cpuUsage();
  run();
  const d = process.cpuUsage(t0);
  return d.user + d.system;
}

/** Each side of a comparison runs about this long, so the clock's grain does not matter. */
const SIDE_MS = 5;
/** The best of this many interleaved trials: a descheduled or GC-hit trial does not count. */
const TRIALS = 3;

/**
 * CPU time of one `large`-char input over `large/small` inputs of `small` chars (best of
 * TRIALS, interleaved), each side repeated until it takes about SIDE_MS.
 */
function ratio(fn: (s: string) => unknown, unit: string, [SMALL, LARGE]: Sizes): number {
  const small = fill(unit, SMALL);
  const large = fill(unit, LARGE);
  const batch = () => {
    for (let i = 0; i < LARGE / SMALL; i++) fn(small);
  };
  batch(); // warm up the JIT on this shape
  const t0 = process.hrtime.bigint();
  batch();
  const once = Number(process.hrtime.bigint() - t0) / 1e6;
  const reps = Math.min(50, Math.max(1, Math.ceil(SIDE_MS / Math.max(once, 0.01))));
  let tSmall = Number.POSITIVE_INFINITY;
  let tLarge = Number.POSITIVE_INFINITY;
  for (let trial = 0; trial < TRIALS; trial++) {
    tSmall = Math.min(
      tSmall,
      cpuOf(() => {
        for (let r = 0; r < reps; r++) batch();
      }),
    );
    tLarge = Math.min(
      tLarge,
      cpuOf(() => {
        for (let r = 0; r < reps; r++) fn(large);
      }),
    );
  }
  return tLarge / Math.max(tSmall, 1);
}

/** Adversarial units: known seeds, then pieces of them glued by fast-check. */
function units(seeds: string[]): fc.Arbitrary<string> {
  const piece = fc.constantFrom(...seeds, '-', '.', ':', ' ', '=', 'a', '0', '/', '@', '\n');
  return fc.oneof(
    fc.constantFrom(...seeds),
    fc.array(piece, { minLength: 1, maxLength: 6 }).map((p) => p.join('')),
  );
}

function assertLinear(
  name: string,
  fn: (s: string) => unknown,
  seeds: string[],
  numRuns = 3,
  sizes = B256_TO_16KB,
): void {
  let worst = 0;
  fc.assert(
    fc.property(units(seeds), (unit) => {
      const r = ratio(fn, unit, sizes);
      worst = Math.max(worst, r);
      return r <= MAX_RATIO;
    }),
    // The examples count toward numRuns: every seed runs, then `numRuns` generated units.
    { numRuns: seeds.length + numRuns, examples: seeds.map((s) => [s]) },
  );
  console.log(
    `REDOS ${name}: worst time ratio ${worst.toFixed(2)} for one ${sizes[1]}-char input vs ${sizes[1] / sizes[0]} of ${sizes[0]} (linear ≈ 1, quadratic ≈ ${sizes[1] / sizes[0]})`,
  );
}

const REDACT_SEEDS = [
  'eyJ-',
  'eyJaaaa.',
  'eyJaaaaaaaa.aaaa-',
  'a.',
  '-a',
  '-password',
  'x://y:z.',
  'a://b:',
  '-----BEGIN A',
  'password ',
  'Bearer ',
  'osc_pat_',
];

describe('REDOS-01: the log scrubber (src/log.ts) is linear', () => {
  it('scrub', () =>
    assertLinear('scrub', scrub, ['eyJ-', 'eyJaaaaaaaa.', 'eyJaaaaaaaa.aaaaaaaa.', 'oscm_at_', 'osc_pat_']));
  it('scrubLine on a serialized log line', () =>
    assertLinear('scrubLine', (s) => scrubLine(JSON.stringify({ msg: s, token: s })), [
      '"token":"',
      '"token":[',
      '"token":{',
      'eyJ-',
      '\\"',
    ]));
});

describe('REDOS-02: credential redaction of upstream text (src/mcp/redact.ts) is linear', () => {
  it('redactText', () => assertLinear('redactText', redactText, REDACT_SEEDS));
  it('redactValue on a string and on a key', () => {
    assertLinear('redactValue(string)', (s) => redactValue({ note: s }), REDACT_SEEDS, 2);
    assertLinear('redactValue(key)', (s) => redactValue({ [s]: 'v' }), ['key', '-pass', 'secret-', '_key'], 2);
  });
});

describe('REDOS-03: log cleaning (src/mcp/sanitize-logs.ts) cuts before it scans and is linear', () => {
  it('stripControls', () =>
    assertLinear('stripControls', stripControls, ['\u001b[0', '\u001b]', '\u009b0', '\u001b[0;', '\r']));
  it('cleanLogs on one long line and on many lines', () => {
    const budget = { maxLines: 100_000, maxBytes: 10 * 1024 * 1024 };
    assertLinear('cleanLogs', (s) => cleanLogs(s, budget), REDACT_SEEDS);
  });
});

describe('REDOS-04: request lines are redacted for the log in linear time (src/http/request-log.ts)', () => {
  it('redactedUrl', () =>
    assertLinear('redactedUrl', (s) => redactedUrl(`/authorize?${s}`), ['state=', 'a=b&', '%5B', '&&&', 'code=x&']));
});

describe('REDOS-05: a catalog regexValidator never runs on a backtracking engine (src/mcp/options.ts)', () => {
  const service = (regexValidator: string): Service => ({
    serviceId: 's',
    title: 'S',
    options: [{ name: 'Value', type: 'string', mandatory: true, regexValidator, sensitive: false }],
  });
  // Values are matched locally up to MAX_MATCHED_VALUE characters: 64 values of 4 against one of 256.
  it.each([
    '^(a+)+$',
    '^(\\w+\\s?)*$',
    '^(a|a)*$',
    '^([a-z0-9]+-?)*[a-z0-9]$',
    '(.*a){8}',
    '(.*a){16}',
    '(.*.*.*.*a){16}',
  ])('%s', (pattern) => {
    const svc = service(pattern);
    assertLinear(
      `checkOptions ${pattern}`,
      (s) => checkOptions(svc, 'db', { Value: `${s.slice(1)}!` }),
      ['a', 'a ', 'ab-'],
      2,
      [4, MAX_MATCHED_VALUE],
    );
  });
  it('the values over the cap are refused before any scan; what the engine cannot run is left to OSC; plain patterns still apply', () => {
    const plain = service('^https?://');
    expect(checkOptions(plain, 'db', { Value: 'ftp://x' }).problems).toEqual([
      'option "Value" does not have the expected format (pattern ^https?://)',
    ]);
    expect(checkOptions(plain, 'db', { Value: `https://${'a'.repeat(5000)}` }).problems).toEqual([
      'option "Value" is longer than 4096 characters',
    ]);
    expect(checkOptions(service('^(a)\\1$'), 'db', { Value: 'ab' }).problems).toEqual([]);
    expect(checkOptions(service('^[a-z]{1,63}$'), 'db', { Value: 'A' }).problems).toEqual([]);
    expect(checkOptions(service('^[a-z]{1,8}$'), 'db', { Value: 'A' }).problems).toHaveLength(1);
  });
});
