/**
 * Catalog patterns run on V8's linear-time regular-expression engine (REDOS-05): a
 * `regexValidator` is upstream data, and on the default backtracking engine a pattern
 * like `^(a+)+$` takes exponential time on a short value. The `l` flag selects the
 * automaton engine, which needs the V8 flag below; it refuses what it cannot run in
 * linear time (backreferences, lookaround, counted repetition over 16). Its cost per
 * character still grows with how many quantifiers can be live at once, so a pattern whose
 * quantifier count times its largest repetition count is over QUANTIFIER_BUDGET is refused
 * too. A refused pattern is not run here at all: OSC checks it again at create time.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--enable-experimental-regexp-engine');

/** Patterns longer than this are not compiled. */
export const MAX_PATTERN = 200;
/** Values longer than this are not matched locally (work is value length × pattern size). */
export const MAX_MATCHED_VALUE = 256;
/**
 * 16, measured (test/unit/linear-time.test.ts REDOS-05): `(.*a){8}` (16) costs about 2× per
 * character at 256 characters what it costs at 4, while `(.*a){16}` (32) cost 15-30×, which
 * is no longer linear in the value over the range we match.
 */
const QUANTIFIER_BUDGET = 16;
const CACHE_ENTRIES = 500;

const compiled = new Map<string, RegExp | undefined>();

/** Quantifiers (`*`, `+`, `?` after an atom, `{n,m}`) times the largest count; linear in the pattern. */
function quantifierCost(pattern: string): number {
  const quantifiers = pattern.match(/(?<![\\(])[*+?]|\{\d+(?:,\d*)?\}/g) ?? [];
  const counts = (pattern.match(/\{(\d+)(?:,(\d*))?\}/g) ?? []).flatMap((q) =>
    q.slice(1, -1).split(',').filter(Boolean).map(Number),
  );
  return quantifiers.length * Math.max(1, ...counts);
}

function compile(pattern: string): RegExp | undefined {
  if (pattern.length > MAX_PATTERN || quantifierCost(pattern) > QUANTIFIER_BUDGET) return undefined;
  try {
    return new RegExp(pattern, 'l');
  } catch {
    return undefined; // not linear-time, or not a pattern JS can read
  }
}

/** Does `value` match? undefined when the pattern or the value is not checked here. */
export function matchesLinear(pattern: string, value: string): boolean | undefined {
  if (value.length > MAX_MATCHED_VALUE) return undefined;
  if (!compiled.has(pattern)) {
    if (compiled.size >= CACHE_ENTRIES) compiled.clear();
    compiled.set(pattern, compile(pattern));
  }
  return compiled.get(pattern)?.test(value);
}
