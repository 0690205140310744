/** A pino destination that keeps every line, so tests can read and scan the server's logs. */
import { Writable } from 'node:stream';

export function logSink(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, stream };
}
