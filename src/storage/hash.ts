/**
 * Hashing and random values for our own bearer secrets (docs/architecture.md, "Storage").
 *
 * Every secret we issue (access and refresh tokens, codes, client secrets) is stored only as
 * `hashSecret(value)`, which is also the record's id: a dump of the store yields no usable
 * token (SECRETS-02). A plain SHA-256 is enough because the inputs carry
 * 256 bits of entropy; a slow password hash would add latency and nothing else.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** SHA-256 of `value`, base64url without padding (43 characters). */
export function hashSecret(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/**
 * A new bearer secret: `prefix` followed by base64url of 32 random bytes (256 bits).
 * The prefix (`oscm_at_`, `oscm_rt_`, `oscm_code_`, `oscm_cs_`) makes leaked values
 * recognisable to secret scanners and to the log scrubber in src/log.ts.
 */
export function randomToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/**
 * Constant-time string comparison. Both sides are hashed first so the comparison
 * neither throws on different lengths nor leaks the length through timing.
 */
export function timingSafeEqualStr(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}
