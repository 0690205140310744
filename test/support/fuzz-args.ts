/**
 * FUZZ-01's generated tool arguments (docs/security.md): hostile values a model or an
 * attacker might put in any argument, under the tool's own keys and a few others, and
 * valid-shaped records. Shared by the wire run (test/unit/mcp/fuzz-tools.test.ts) and the
 * 10,000-per-schema run (test/integration/mcp/fuzz-schemas.test.ts).
 */
import fc from 'fast-check';
import { createLogger } from '../../src/log.js';
import type { McpServerContext } from '../../src/mcp/server.js';
import { defaultWorld, FakeOscPlatform } from './fakes/osc-platform.js';
import { logSink } from './log-sink.js';

/** Each call's deadline; a call not answered in twice this counts as a hang. */
export const CALL_TIMEOUT_MS = 5_000;

/** A server context with every scope over a fresh OSC fake (instances start at once) on its own clock. */
export function fuzzContext(): McpServerContext {
  const osc = new FakeOscPlatform({ ...defaultWorld(), startMs: 0 });
  return {
    osc,
    scopes: ['osc:read', 'osc:write'],
    log: createLogger({ level: 'silent', destination: logSink().stream }),
    deadlineMs: CALL_TIMEOUT_MS,
    clock: osc.clock,
  };
}

/** The internal-failure wording of src/mcp/failure.ts: a bug of ours, the 500 of a tool. */
export const INTERNAL_FAILURE = 'Something went wrong inside osc-mcp';

/** Values a model or an attacker might put in any argument. */
const hostile = fc.oneof(
  fc.constantFrom(
    'minio-minio',
    'store1',
    '../x',
    '%2e%2e%2fx',
    'a/b',
    'a?x=1',
    'a#b',
    'ａ',
    'a\u0000',
    '__proto__',
    'constructor',
    '{{secrets.x}}',
    '',
    ' ',
    'x'.repeat(5000),
    true,
    false,
    0,
    -1,
    1e308,
    Number.NaN,
    null,
    [],
    {},
  ),
  fc.string({ maxLength: 80 }),
  fc.integer(),
  fc.jsonValue({ maxDepth: 3 }),
);

/** An argument object: the tool's own keys (and a few others) with hostile values. */
export function argsFor(keys: string[]): fc.Arbitrary<Record<string, unknown>> {
  const key = fc.constantFrom(
    ...keys,
    'options',
    'confirm',
    'wait',
    'waitSeconds',
    '__proto__',
    'constructor',
    'extra',
  );
  return fc.oneof(
    fc.dictionary(key, hostile, { maxKeys: 6 }),
    fc.record(
      {
        serviceId: fc.constantFrom('minio-minio', 'nosuch'),
        name: fc.stringMatching(/^[a-z0-9]{1,8}$/),
        options: fc.dictionary(fc.string({ maxLength: 12 }), hostile, { maxKeys: 4 }),
        confirm: fc.boolean(),
        wait: fc.constant(false),
      },
      { requiredKeys: [] },
    ),
  );
}

/** No generated key reached Object.prototype. */
export function prototypeClean(): boolean {
  return ({} as Record<string, unknown>).polluted === undefined && !Object.hasOwn(Object.prototype, 'x');
}
