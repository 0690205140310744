/**
 * The refresh-token rotation and replay policy (OAuth 2.1 §4.3.1; OAUTH-27, OAUTH-28,
 * REFRESH-01..03): the newest token rotates; the one it replaced answers again, with the
 * SAME successor, until the newest is first used, for at most the grace period; anything
 * else is a replay and ends the grant.
 *
 * The successor of a token is derived from it under the server's keys (./issue.ts), so
 * every request presenting the same token — a retry, or ten racing requests on several
 * replicas — gets the same pair, and a retry writes nothing. Nothing is stored for it: the
 * grant keeps only the hashes of the current and the previous token (docs/storage.md).
 * A pure function of the grant's rotation state, so each case is a unit test.
 */
import { DEFAULTS } from '../defaults.js';
import type { RefreshRotation } from '../storage/records.js';

export type RotationOutcome =
  /** The newest token was presented: its successor becomes the newest. */
  | { kind: 'rotate'; refresh: RefreshRotation }
  /** The previous token again, within its grace: answer with the successor already issued (key `index`). */
  | { kind: 'repeat'; index: number }
  | { kind: 'replay' };

/**
 * What presenting the token hashed `presented` does to `rot`. `successors` are the hashes of
 * the presented token's successor under each key of the ring, the sealing key's first (a key
 * rotation between two retries still finds the successor issued under the older key).
 */
export function rotateRefresh(
  rot: RefreshRotation | undefined,
  presented: string,
  successors: readonly string[],
  now: number,
  graceMs: number = DEFAULTS.refreshGraceMs,
): RotationOutcome {
  const next = successors[0]!;
  if (rot?.current === presented) {
    return { kind: 'rotate', refresh: { current: next, previous: presented, previousUntil: now + graceMs } };
  }
  if (rot?.previous === presented && (rot.previousUntil ?? 0) > now) {
    // A retry or a concurrent request: the newest token was never used, so it is issued again.
    const index = successors.indexOf(rot.current);
    if (index >= 0) return { kind: 'repeat', index };
    // Only a grant rotated before successors were derived (or under a key since removed from
    // the ring) gets here: its retry rotates once more, as it did then, keeping the grace.
    return { kind: 'rotate', refresh: { ...rot, current: next } };
  }
  return { kind: 'replay' };
}
