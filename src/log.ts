/**
 * The logger: pino, with key-based redaction and a value scrubber for secrets we know
 * (style.md: pino `redact` plus a value-based scrubber). No `console.*` elsewhere.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

const SECRET_KEYS = [
  'authorization',
  'cookie',
  'token',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'code',
  'code_verifier',
  'codeVerifier',
  'client_secret',
  'clientSecret',
  'secret',
  'password',
  'pat',
  '["set-cookie"]',
  '["x-pat-jwt"]',
  '["x-jwt"]',
];

/** pino paths: the key at the top level and up to two levels down. */
const redactPaths = SECRET_KEYS.flatMap((k) => {
  const nested = k.startsWith('[') ? k : `.${k}`;
  return [k.startsWith('[') ? `${k}` : k, `*${nested}`, `*.*${nested}`];
});

/** Matches token-shaped strings: our prefixed tokens, JWTs, long base64url runs after secret words. */
const SECRET_VALUE = /\b(?:oscm_(?:at|rt|code|cs)_[A-Za-z0-9_-]{20,}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}|osc_(?:pat|rt)_[A-Za-z0-9_]{16,})/g;

/** Removes secret-shaped substrings from a string. */
export function scrub(text: string): string {
  return text.replace(SECRET_VALUE, '[redacted]');
}

function scrubDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: scrub(value.message), stack: value.stack ? scrub(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubDeep(v, depth + 1);
  return out;
}

export interface LogOptions {
  level?: string;
  destination?: DestinationStream;
}

export function createLogger({ level = 'info', destination }: LogOptions = {}): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: redactPaths, censor: '[redacted]' },
      formatters: {
        log: (obj) => scrubDeep(obj) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>;
          method.apply(this, scrubbed);
        },
      },
    },
    destination,
  );
}
