// The refresh-token rotation and replay policy (OAUTH-27, OAUTH-28) as a pure function.
import { describe, expect, it } from 'vitest';
import { rotateRefresh } from '../../../src/oauth/rotation.js';

describe('rotateRefresh', () => {
  const t = 1_000_000;

  it('the newest token rotates: the next one becomes current, the presented one answers a retry for the grace period', () => {
    expect(rotateRefresh({ current: 'A' }, 'A', ['B'], t, 60_000)).toEqual({
      kind: 'rotate',
      refresh: { current: 'B', previous: 'A', previousUntil: t + 60_000 },
    });
  });

  it('OAUTH-28, REFRESH-01: the previous token within its grace (the newest never used) answers with the same successor, writing nothing', () => {
    const rot = { current: 'B', previous: 'A', previousUntil: t + 1 };
    expect(rotateRefresh(rot, 'A', ['B'], t)).toEqual({ kind: 'repeat', index: 0 });
  });

  it('REFRESH-01: a successor issued under an older key of the ring is found and issued again', () => {
    const rot = { current: 'B-old-key', previous: 'A', previousUntil: t + 1 };
    expect(rotateRefresh(rot, 'A', ['B-new-key', 'B-old-key'], t)).toEqual({ kind: 'repeat', index: 1 });
  });

  it('a grant rotated before successors were derived: its retry rotates once more and keeps its grace', () => {
    const rot = { current: 'R', previous: 'A', previousUntil: t + 1 };
    expect(rotateRefresh(rot, 'A', ['C'], t)).toEqual({
      kind: 'rotate',
      refresh: { current: 'C', previous: 'A', previousUntil: t + 1 },
    });
  });

  it('OAUTH-27: the previous token after its grace is a replay', () => {
    expect(rotateRefresh({ current: 'B', previous: 'A', previousUntil: t }, 'A', ['C'], t)).toEqual({ kind: 'replay' });
  });

  it('OAUTH-27: once the newest was used, the one before it is a replay, however soon', () => {
    // A → B (A in grace), then B → C: A is no longer `previous`.
    const afterB = rotateRefresh({ current: 'A' }, 'A', ['B'], t);
    if (afterB.kind !== 'rotate') throw new Error('B must rotate');
    const afterC = rotateRefresh(afterB.refresh, 'B', ['C'], t + 1);
    if (afterC.kind !== 'rotate') throw new Error('C must rotate');
    expect(rotateRefresh(afterC.refresh, 'A', ['D'], t + 2)).toEqual({ kind: 'replay' });
  });

  it('a grant without rotation state (code not yet redeemed) or an unknown token is a replay', () => {
    expect(rotateRefresh(undefined, 'A', ['B'], t)).toEqual({ kind: 'replay' });
    expect(rotateRefresh({ current: 'A' }, 'X', ['B'], t)).toEqual({ kind: 'replay' });
  });
});
