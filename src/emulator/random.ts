/** Random identifiers and secrets, all from node:crypto. */
import { randomBytes, randomUUID } from 'node:crypto';

export function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

export function b64url(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export function uuid(): string {
  return randomUUID();
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Console-style OAuth client id body (src/emulator/README.md: `osc_<24 chars>`). */
export function alnum(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}
