/**
 * Upstream text is data, never instructions (issue 16 class 4; MCP-07; DATA-01..02 in
 * docs/security.md). Every value the OSC port returns to a tool passes `asData` before the
 * tool sees it, so no tool can forget: terminal escapes, C0/C1 controls, bidirectional and
 * zero-width characters are stripped (./sanitize-logs.ts `stripControls`), line breaks
 * become spaces (a name cannot start a line of ours), and each string is capped. The
 * tools then quote such values in their own sentences (`q` in ./tool.ts). Logs keep their
 * lines: read_logs cleans and frames them itself (./sanitize-logs.ts `cleanLogs`).
 */
import type { OscPlatform } from '../osc/platform.js';
import { stripControls } from './sanitize-logs.js';

/** Longest upstream string a model sees; longer ones end with an ellipsis. */
export const MAX_UPSTREAM_STRING = 2000;
const MAX_DEPTH = 12;
const LINE_BREAKS = /[\n\t\u2028\u2029]+/g;

/** One upstream string as data: cut first (linear work), cleaned, on one line, capped. */
export function upstreamString(s: string): string {
  const clean = stripControls(s.slice(0, MAX_UPSTREAM_STRING * 2)).replace(LINE_BREAKS, ' ');
  return clean.length > MAX_UPSTREAM_STRING ? `${clean.slice(0, MAX_UPSTREAM_STRING)}…` : clean;
}

/** Every string in a value (keys included) as data; numbers, booleans and shape kept. */
export function asData<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return upstreamString(value) as T;
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => asData(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  const o = value as Record<string, unknown>;
  // Object.keys, not Object.entries: the same own enumerable keys in the same order, without an entry array each.
  for (const k of Object.keys(o)) out[upstreamString(k)] = asData(o[k], depth + 1);
  return out as T;
}

/** The port as tools see it: every result through `asData`, except the raw log text read_logs and read_app_logs frame themselves. */
export function dataOnlyPlatform(osc: OscPlatform): OscPlatform {
  // Each method's wrapper is made once (per member, should the target's change) rather than at every access.
  const wrappers = new Map<PropertyKey, { member: (...args: unknown[]) => unknown; wrapper: unknown }>();
  return new Proxy(osc, {
    get(target, prop, receiver) {
      const member = Reflect.get(target, prop, receiver);
      if (typeof member !== 'function') return member;
      const known = wrappers.get(prop);
      if (known !== undefined && known.member === member) return known.wrapper;
      // Called on the target itself: adapters may hold private fields a proxy cannot reach.
      const wrapper =
        prop === 'readLogs' || prop === 'readAppLogs'
          ? member.bind(target)
          : async (...args: unknown[]) => asData(await member.apply(target, args));
      wrappers.set(prop, { member, wrapper });
      return wrapper;
    },
  });
}
