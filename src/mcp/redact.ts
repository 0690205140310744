/**
 * Redaction of what a model could see (docs/architecture.md, "The MCP endpoint"; src/emulator/README.md ("Instance document"),
 * SECRETS-03, MCP-07). Instance documents echo their options back in clear
 * text, passwords included, and the catalog's `sensitive` flag is incomplete (the live
 * catalog leaves e.g. `smbServerApiKey` unflagged), so three rules apply:
 *   1. a value under an option the catalog flags `sensitive` is redacted;
 *   2. a value under a credential-like key (password, secret, token, key, credential,
 *      connection string…) is redacted;
 *   3. a credential-shaped value anywhere (JWT, PEM private key, known token prefixes,
 *      `Bearer …`, the password part of a URL, `password=…` in text, a long random-looking
 *      string) is redacted, whatever its key.
 * `{{secrets.<name>}}` references are kept: they name a secret, they do not contain one.
 */
import type { Instance } from '../osc/platform.js';

export const REDACTED = '[redacted]';

const SECRET_KEY =
  /pass(word|wd|phrase)?$|^pwd$|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|(^|[-_a-z])key$|^key|credential|connection[-_]?string|^dsn$|cookie|session[-_]?id|authorization|bearer|signature|salt/i;

const SECRET_REF = /^\{\{secrets(\.[A-Za-z0-9_-]+)?\}\}$/;

/** Substrings that are credentials whatever surrounds them. Order matters: PEM before the rest. */
const VALUE_PATTERNS: ReadonlyArray<[RegExp, (m: string, ...g: string[]) => string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, () => REDACTED],
  // The JWT's tail is optional so a non-JWT start consumes its run once (no rescans).
  [/\beyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)?/g, (m) => (m.includes('.') ? REDACTED : m)],
  [
    /\b(?:osc_(?:pat|rt|secret)_|oscm_[a-z]+_|sk-|ghp_|gho_|github_pat_|xox[abpr]-|glpat-|AIza)[A-Za-z0-9_-]{8,}/g,
    () => REDACTED,
  ],
  [/\bAKIA[0-9A-Z]{16}\b/g, () => REDACTED],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]{8,}=*/gi, (_m, kind) => `${kind} ${REDACTED}`],
  // A scheme is short (RFC 3986 §3.1 names none over 32): an unbounded one rescanned `a.a.a…` from every dot.
  [/\b([a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/@]+):[^\s@/]+@/gi, (_m, head) => `${head}:${REDACTED}@`],
  // The key word alone, without the `[A-Za-z_-]*` prefix it had: that prefix rescanned
  // `-a-a-a…` from every boundary (quadratic); the text before the word is kept as it was.
  [
    /(password|passwd|pwd|secret|token|api[-_]?key|access[-_]?key)(["']?\s*[:=]\s*["']?)([^\s"'&,;]{3,})/gi,
    (_m, key, sep) => `${key}${sep}${REDACTED}`,
  ],
];

/** A whole value of 32+ base64/hex-ish characters mixing letters and digits reads as a key. */
function looksRandom(s: string): boolean {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s)) return false; // a UUID is an id
  return s.length >= 32 && /^[A-Za-z0-9+/=_-]+$/.test(s) && /[0-9]/.test(s) && /[A-Za-z]/.test(s);
}

/** Rule 3 on a piece of free text (a log line, a string value). */
export function redactText(text: string): string {
  let out = text;
  for (const [re, replace] of VALUE_PATTERNS) out = out.replace(re, replace as (m: string) => string);
  return out;
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

function redactString(s: string): string {
  if (SECRET_REF.test(s)) return s;
  if (looksRandom(s)) return REDACTED;
  return redactText(s);
}

/**
 * Redacts a JSON value. `sensitive` holds lower-cased key names to redact outright.
 * Depth and breadth are bounded; what is beyond the bound is dropped, not shown raw.
 */
export function redactValue(value: unknown, sensitive: ReadonlySet<string> = new Set(), depth = 0): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 8) return REDACTED;
  if (Array.isArray(value)) return value.slice(0, 500).map((v) => redactValue(v, sensitive, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value).slice(0, 500)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    const secretKey = sensitive.has(k.toLowerCase()) || isSecretKey(k);
    out[k] =
      secretKey && v !== null && v !== '' && !(typeof v === 'string' && SECRET_REF.test(v)) && typeof v !== 'boolean'
        ? REDACTED
        : redactValue(v, sensitive, depth + 1);
  }
  return out;
}

export interface RedactedInstance {
  serviceId: string;
  name: string;
  url?: string;
  status?: string;
  fields: Record<string, unknown>;
}

/** An instance as a model may see it. */
export function redactInstance(instance: Instance): RedactedInstance {
  const sensitive = new Set(instance.sensitive.map((s) => s.toLowerCase()));
  const out: RedactedInstance = {
    serviceId: instance.serviceId,
    name: instance.name,
    fields: redactValue(instance.fields, sensitive) as Record<string, unknown>,
  };
  if (instance.url !== undefined) out.url = redactString(instance.url);
  if (instance.status !== undefined) out.status = redactString(instance.status);
  return out;
}
