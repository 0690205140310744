/**
 * The logger: pino, with secrets kept out of every line (redaction plus a
 * value-based scrubber). No `console.*` elsewhere.
 *
 * The scrub runs once per line on the serialized JSON, in the destination: values under a
 * secret key (at any depth) become "[redacted]", and token-shaped strings anywhere are
 * replaced. Issue 18 measured the earlier form — 54 wildcard redaction paths plus a deep
 * copy of every logged object — at several times the cost of the line itself; two linear
 * regex passes over the finished line cost a few microseconds and cover every depth.
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
  'secretValue',
  'secretData',
  'pat',
  'set-cookie',
  'x-pat-jwt',
  'x-jwt',
];

/**
 * Token-shaped strings: our prefixed tokens, JWTs, OSC tokens. Linear on any input
 * (REDOS-01): the JWT's first segment is consumed whole and the rest is optional, so a
 * start that is not a JWT never rescans the run (`eyJ-eyJ-…` cost quadratic time when the
 * dots were required); the replacer keeps what has no dots.
 */
const SECRET_VALUE =
  /\b(?:oscm_(?:at|rt|code|cs)_[A-Za-z0-9_-]{20,}|eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})?|osc_(?:pat|rt)_[A-Za-z0-9_]{16,})/g;

/**
 * `"<secret key>":<value>` in serialized JSON, where the value is a string, an array of
 * strings or scalars, an object without nested objects, a number or a literal: replaced
 * whole. Linear: each alternative starts on a different character, and a string body
 * admits no backtracking into its escapes. Deeper values under a secret key keep their
 * shape, and their strings still pass the value scrubber.
 */
const STR = '"(?:[^"\\\\]|\\\\.)*"';
const SECRET_FIELD = new RegExp(
  `"(${SECRET_KEYS.map((k) => k.replace(/-/g, '\\-')).join('|')})":(?:${STR}|\\[(?:${STR}|[^"[\\]{}])*\\]|\\{(?:${STR}|[^"{}])*\\}|[-0-9.eE+]+|true|false|null)`,
  'g',
);

/** Removes secret-shaped substrings from a string. */
export function scrub(text: string): string {
  return text.replace(SECRET_VALUE, (m) => (m.startsWith('eyJ') && !m.includes('.') ? m : '[redacted]'));
}

/** One serialized log line with every secret field and token-shaped value replaced. */
export function scrubLine(line: string): string {
  return scrub(line.replace(SECRET_FIELD, '"$1":"[redacted]"'));
}

/** A destination that scrubs each line before `inner` sees it. */
function scrubbing(inner: DestinationStream): DestinationStream {
  return { write: (line: string) => inner.write(scrubLine(line)) };
}

/**
 * Standard output, the lines of one event-loop turn in one write at the end of the turn
 * (`setImmediate`), and whatever is pending on exit: a write per line was a system call of
 * about 7 µs on every request (issue 18, bench/README.md "Where the CPU goes"). A line
 * reaches the output within the turn it was logged in, as before; only a process killed
 * outright (SIGKILL) can lose the turn's lines.
 */
function stdoutByTurn(): DestinationStream {
  const out = pino.destination({ dest: 1, sync: true });
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const lines = pending.length === 1 ? pending[0]! : pending.join('');
    pending = [];
    out.write(lines);
  };
  process.on('exit', flush);
  return {
    write(line: string) {
      if (pending.push(line) === 1) setImmediate(flush);
    },
  };
}

export interface LogOptions {
  level?: string;
  /** Where lines go (tests give a sink); default standard output (`stdoutByTurn`). */
  destination?: DestinationStream;
}

export function createLogger({ level = 'info', destination }: LogOptions = {}): Logger {
  return pino({ level, base: undefined }, scrubbing(destination ?? stdoutByTurn()));
}
