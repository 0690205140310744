/**
 * The refresh-token rotation and replay policy (OAuth 2.1 §4.3.1; OAUTH-27, OAUTH-28): the
 * newest token rotates; the one it replaced answers one retry until the newest is first
 * used, for at most the grace period; anything else is a replay and ends the grant.
 * A pure function of the grant's rotation state, so each case is a unit test.
 */
import { DEFAULTS } from '../defaults.js';
import type { RefreshRotation } from '../storage/records.js';

export type RotationOutcome = { kind: 'rotate'; refresh: RefreshRotation } | { kind: 'replay' };

/**
 * What presenting the token hashed `presented` does to `rot`, with `nextHash` the hash of
 * the token about to be issued.
 */
export function rotateRefresh(
  rot: RefreshRotation | undefined,
  presented: string,
  nextHash: string,
  now: number,
  graceMs: number = DEFAULTS.refreshGraceMs,
): RotationOutcome {
  if (rot?.current === presented) {
    return { kind: 'rotate', refresh: { current: nextHash, previous: presented, previousUntil: now + graceMs } };
  }
  if (rot?.previous === presented && (rot.previousUntil ?? 0) > now) {
    // A retry: the newest token was never used, so the previous one still answers once more.
    return { kind: 'rotate', refresh: { ...rot, current: nextHash } };
  }
  return { kind: 'replay' };
}
