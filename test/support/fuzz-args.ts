/**
 * FUZZ-01's generated tool arguments (docs/security.md): hostile values a model or an
 * attacker might put in any argument, under the tool's own keys and a few others, and
 * valid-shaped records. Shared by the wire run (test/unit/mcp/fuzz-tools.test.ts) and the
 * 10,000-per-schema run (./fuzz-schemas.ts).
 */
import fc from 'fast-check';
import { type ZodRawShape, z } from 'zod';
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

/**
 * fuzzContext with a few things in the fake under names schemaArgs offers (KNOWN_NAMES), so
 * some calls find what they ask for and their results meet the output schema: a MinIO
 * instance and secret, a config store with a parameter, an app.
 */
export async function seededFuzzContext(): Promise<McpServerContext> {
  const ctx = fuzzContext();
  const signal = new AbortController().signal;
  await ctx.osc.createInstance('minio-minio', 'mystore', { RootUser: 'admin', RootPassword: 'pw' }, signal);
  await ctx.osc.saveSecret('minio-minio', 'dbpassword', 'pw', signal);
  await ctx.osc.createConfigStore('store1', signal);
  await ctx.osc.setConfig('store1', 'LOG_LEVEL', 'debug', signal);
  await ctx.osc.createApp({ name: 'mystore', type: 'nodejs', gitUrl: 'https://github.com/me/site' }, signal);
  return ctx;
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

/**
 * fc.stringMatching of `pattern`, built once per pattern: building one costs about a
 * millisecond (fast-check tokenizes its default string slices for every repetition in the
 * pattern), and the tools share their name and id patterns. An arbitrary holds no state.
 */
const MATCHING = new Map<string, fc.Arbitrary<string>>();
function matching(pattern: string): fc.Arbitrary<string> {
  let arb = MATCHING.get(pattern);
  if (arb === undefined) {
    arb = fc.stringMatching(new RegExp(pattern));
    MATCHING.set(pattern, arb);
  }
  return arb;
}

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
        name: matching('^[a-z0-9]{1,8}$'),
        options: fc.dictionary(fc.string({ maxLength: 12 }), hostile, { maxKeys: 4 }),
        confirm: fc.boolean(),
        wait: fc.constant(false),
      },
      { requiredKeys: [] },
    ),
  );
}

/** Names the OSC fake knows (test/support/fakes/osc-platform.ts), offered wherever a pattern accepts them, so calls meet existing things too. */
const KNOWN_NAMES = [
  'minio-minio',
  'apache-couchdb',
  'birme-osc-postgresql',
  'eyevinn-test-adserver',
  'mystore',
  'store1',
  'dbpassword',
  'RootUser',
  'LOG_LEVEL',
  'main',
  'apps/web',
  'https://github.com/me/site',
];

/** Strings a valid-shaped value may still carry where the schema has no pattern: controls, bidi, braces, long. */
const AWKWARD_TEXT = {
  generated: [fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 })],
  fixed: ['\u202eevil', 'a\u0000b', '\u001b[31m', '{{secrets.x}}', 'https://github.com/me/site', '__proto__'],
  long: 'y'.repeat(4096),
};

/**
 * A string the schema (`ok`: its length bounds and the property's own zod schema) accepts,
 * from AWKWARD_TEXT and KNOWN_NAMES, drawn as if from all of them and kept when accepted:
 * awkward text and known names half each, the awkward half split over two generated strings,
 * the fixed ones and the long one. The fixed candidates the schema refuses are left out up
 * front and a generated one stays in with its weight times the share of it the schema accepts
 * (of 200 drawn with a fixed seed), so a refinement that refuses nearly every candidate (a
 * repository must be an https URL) costs no draws again and again.
 */
function awkwardOrKnown(ok: (v: string) => boolean): fc.Arbitrary<string> {
  const branches: fc.WeightedArbitrary<string>[] = [];
  for (const g of AWKWARD_TEXT.generated) {
    const share = fc.sample(g, { numRuns: 200, seed: 1 }).filter(ok).length / 200;
    const weight = Math.round(600 * share);
    if (weight > 0) branches.push({ weight, arbitrary: g.filter(ok) });
  }
  const fixed = (values: string[], weight: number) => {
    for (const v of values) if (ok(v)) branches.push({ weight, arbitrary: fc.constant(v) });
  };
  fixed(AWKWARD_TEXT.fixed, 100);
  fixed([AWKWARD_TEXT.long], 600);
  fixed(KNOWN_NAMES, 200);
  if (branches.length === 0) throw new Error('no candidate string passes the schema');
  return fc.oneof(...branches);
}

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  propertyNames?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
};

/**
 * A value of the shape a JSON Schema node describes; `accepted` (the property's own zod schema,
 * for the refinements JSON Schema cannot say) is applied where a string has no pattern, the
 * caller filters the rest.
 */
function validFor(node: JsonSchema, accepted: (x: unknown) => boolean = () => true): fc.Arbitrary<unknown> {
  if (node.enum) return fc.constantFrom(...node.enum);
  if (node.const !== undefined) return fc.constant(node.const);
  if (node.anyOf) return fc.oneof(...node.anyOf.map((n) => validFor(n, accepted)));
  switch (node.type) {
    case 'string': {
      if (node.pattern) {
        const re = new RegExp(node.pattern);
        const known = KNOWN_NAMES.filter((n) => re.test(n));
        const generated = matching(node.pattern);
        return known.length > 0 ? fc.oneof(generated, fc.constantFrom(...known)) : generated;
      }
      const min = node.minLength ?? 0;
      const max = node.maxLength ?? 10_000;
      return awkwardOrKnown((v) => v.length >= min && v.length <= max && accepted(v));
    }
    case 'integer':
      return fc.integer({ min: node.minimum ?? -1e9, max: node.maximum ?? 1e9 });
    case 'number':
      return fc.double({ min: node.minimum, max: node.maximum, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'object': {
      const value =
        typeof node.additionalProperties === 'object' ? validFor(node.additionalProperties) : fc.jsonValue();
      const key = node.propertyNames ? (validFor(node.propertyNames) as fc.Arbitrary<string>) : fc.string();
      return fc.dictionary(key, value, { maxKeys: 4 });
    }
    default:
      return hostile;
  }
}

/**
 * Arguments built from a tool's own input schema: most calls have every property of the
 * right shape (enums, lengths, ranges, patterns, names the fake knows) with an occasional
 * hostile value, a dropped required key or a stray key (__proto__, constructor, …); the
 * rest are argsFor's hostile dictionaries.
 */
export function schemaArgs(shape: ZodRawShape): fc.Arbitrary<Record<string, unknown>> {
  const json = z.toJSONSchema(z.object(shape), { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const required = json.required ?? [];
  // Each property mostly valid-shaped (checked against its own zod schema, so refinements the
  // JSON Schema cannot say hold too), sometimes hostile; optional ones sometimes left out.
  const props = Object.entries(json.properties ?? {}).map(([k, v]) => {
    const accepted = acceptedBy(shape[k] as z.ZodType);
    const valid = validFor(v, accepted).filter(accepted);
    return [k, fc.oneof({ weight: 19, arbitrary: valid }, { weight: 1, arbitrary: hostile })] as const;
  });
  // With Object's prototype, as parsed JSON arguments are.
  const shaped: fc.Arbitrary<Record<string, unknown>> = fc.record(Object.fromEntries(props), {
    requiredKeys: required,
    noNullPrototype: true,
  });
  // One in ten drops a required key (or none, when the pick is ''), one in ten adds a stray
  // key; what a mutation uses (the key, the value) is generated only for the calls it mutates,
  // on a copy (the generated value stays as fast-check made it).
  const mutated = fc.oneof(
    { weight: 8, arbitrary: shaped },
    {
      weight: 1,
      arbitrary: fc.tuple(shaped, fc.constantFrom(...required, '')).map(([args, drop]) => {
        const out: Record<string, unknown> = Object.assign({}, args);
        if (drop !== '') delete out[drop];
        return out;
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(shaped, fc.constantFrom('__proto__', 'constructor', 'extra', 'confirm'), hostile)
        .map(([args, key, value]) => {
          const out: Record<string, unknown> = Object.assign({}, args);
          Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
          return out;
        }),
    },
  );
  return fc.oneof({ weight: 4, arbitrary: mutated }, { weight: 1, arbitrary: argsFor(Object.keys(shape)) });
}

/**
 * Whether `prop` (a property's own zod schema, a pure function of the value) accepts `x`,
 * remembered per string. The valid-shaped values are filtered through it, and where a
 * refinement refuses most candidates the same constants are drawn again and again: create_app's
 * repository accepts one of the offered strings, so about ten candidates are drawn per value.
 */
function acceptedBy(prop: z.ZodType): (x: unknown) => boolean {
  const seen = new Map<string, boolean>();
  return (x) => {
    if (typeof x !== 'string') return prop.safeParse(x).success;
    let ok = seen.get(x);
    if (ok === undefined) {
      ok = prop.safeParse(x).success;
      if (seen.size < 100_000) seen.set(x, ok);
    }
    return ok;
  };
}

/** No generated key reached Object.prototype. */
export function prototypeClean(): boolean {
  return ({} as Record<string, unknown>).polluted === undefined && !Object.hasOwn(Object.prototype, 'x');
}
