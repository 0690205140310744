/**
 * Checks `create_instance` options against the service's `serviceInstanceOptions`
 * (src/emulator/README.md) before anything is sent, and says exactly which are missing or invalid
 * (docs/architecture.md, "The MCP endpoint"): mandatory options, enums, `regexValidator`, value types, unknown names.
 * A failed create costs the user a round trip at best and tokens at worst.
 *
 * Values go to OSC as strings (options are string-valued forms; the SDK types an update
 * body `Record<string, string>`). `{{secrets.<name>}}` references skip the regex: OSC
 * resolves them at run time (src/emulator/README.md ("create instance")).
 */
import type { Service, ServiceOption } from '../osc/platform.js';
import { matchesLinear } from './linear-pattern.js';

export type OptionInput = string | number | boolean;

export interface OptionCheck {
  /** What to send (without `name`), when `problems` is empty. */
  body: Record<string, string>;
  problems: string[];
}

export const SECRET_REF = /^\{\{secrets\.[A-Za-z0-9_-]{1,64}\}\}$/;
/** Longest option value (the tool schema's own cap): refused before any pattern sees it. */
export const MAX_OPTION_VALUE = 4096;

function describe(o: ServiceOption): string {
  const label = o.label && o.label !== o.name ? ` (${o.label})` : '';
  const what = o.description ? `: ${o.description}` : '';
  const choices = o.enums?.length ? `; one of ${o.enums.map((e) => JSON.stringify(e)).join(', ')}` : '';
  return `${JSON.stringify(o.name)}${label}${what}${choices}`;
}

function checkValue(o: ServiceOption, raw: OptionInput): { value?: string; problem?: string } {
  const value = typeof raw === 'string' ? raw : String(raw);
  if (value.length > MAX_OPTION_VALUE)
    return { problem: `option ${JSON.stringify(o.name)} is longer than ${MAX_OPTION_VALUE} characters` };
  const type = o.type.toLowerCase();
  if (type === 'boolean' && value !== 'true' && value !== 'false') {
    return { problem: `option ${JSON.stringify(o.name)} must be true or false` };
  }
  if (type === 'enum' && o.enums && !o.enums.includes(value)) {
    return {
      problem: `option ${JSON.stringify(o.name)} must be one of ${o.enums.map((e) => JSON.stringify(e)).join(', ')}`,
    };
  }
  if (type !== 'boolean' && type !== 'enum' && typeof raw === 'boolean') {
    return { problem: `option ${JSON.stringify(o.name)} takes text, not true/false` };
  }
  if (o.regexValidator && !SECRET_REF.test(value) && matchesLinear(o.regexValidator, value) === false) {
    return {
      problem: `option ${JSON.stringify(o.name)} does not have the expected format (pattern ${o.regexValidator})`,
    };
  }
  return { value };
}

/**
 * Validates `given` for a new instance called `name`. The catalog lists `name` among the
 * options; it comes from the tool's own argument, so it is checked but not taken twice.
 */
export function checkOptions(service: Service, name: string, given: Record<string, OptionInput>): OptionCheck {
  const missing: string[] = [];
  const invalid: string[] = [];
  const unknown: string[] = [];
  const body: Record<string, string> = {};
  const byName = new Map(service.options.map((o) => [o.name, o]));

  for (const o of service.options) {
    if (o.name === 'name') {
      const r = checkValue(o, name);
      if (r.problem) invalid.push(r.problem.replace('option "name"', 'the instance name'));
      continue;
    }
    const raw = Object.hasOwn(given, o.name) ? given[o.name] : undefined;
    if (raw === undefined || raw === '') {
      if (o.mandatory && o.default === undefined) missing.push(describe(o));
      continue;
    }
    const r = checkValue(o, raw);
    if (r.problem) invalid.push(r.problem);
    else if (r.value !== undefined) body[o.name] = r.value;
  }
  for (const key of Object.keys(given)) {
    if (key === 'name') {
      unknown.push('"name" goes in the name argument, not in options');
    } else if (!byName.has(key)) {
      const near = service.options.find((o) => o.name.toLowerCase() === key.toLowerCase());
      unknown.push(
        `unknown option ${JSON.stringify(key)}${near ? ` (did you mean ${JSON.stringify(near.name)}?)` : ''}`,
      );
    }
  }
  const problems = [...missing.map((m) => `missing mandatory option ${m}`), ...invalid, ...unknown];
  return { body, problems };
}

/**
 * Validates a change to an existing instance: only the options given, each as for a create;
 * nothing is "missing" (src/emulator/README.md, PATCH row: the body names what changes).
 */
export function checkUpdate(service: Service, given: Record<string, OptionInput>): OptionCheck {
  const byName = new Map(service.options.map((o) => [o.name, o]));
  const body: Record<string, string> = {};
  const problems: string[] = [];
  for (const [key, raw] of Object.entries(given)) {
    const o = byName.get(key);
    if (key === 'name') problems.push('the name of an instance cannot be changed');
    else if (!o) problems.push(`unknown option ${JSON.stringify(key)}`);
    else {
      const r = checkValue(o, raw);
      if (r.problem) problems.push(r.problem);
      else if (r.value !== undefined) body[key] = r.value;
    }
  }
  if (Object.keys(given).length === 0) problems.push('no options given: name at least one option to change');
  return { body, problems };
}

/**
 * Sensitive options given as a plain value instead of a `{{secrets.<name>}}` reference: the
 * model (and the chat) saw the value. Accepted, but the result says so (issue 19).
 */
export function plainSensitive(service: Service, body: Record<string, string>): string[] {
  return service.options
    .filter((o) => o.sensitive && body[o.name] !== undefined && !SECRET_REF.test(body[o.name]!))
    .map((o) => o.name);
}

/** The sentence a result carries when `plainSensitive` found any. */
export function plainSensitiveNote(names: string[]): string {
  if (names.length === 0) return '';
  const list = names.map((n) => JSON.stringify(n)).join(', ');
  return (
    ` Note: ${list} ${names.length === 1 ? 'is a secret option and was' : 'are secret options and were'} given as a plain value, so the value passed through this chat and the model saw it. ` +
    'Next time, have the user store it as a service secret (list_secrets shows the names) and pass "{{secrets.<name>}}" instead.'
  );
}
