/**
 * Sealing (docs/security.md, "Secrets", SECRETS-05) and the hashing helpers it sits next to (docs/architecture.md, "Storage").
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashSecret, randomToken, timingSafeEqualStr } from '../../../src/storage/hash.js';
import { createSealer, keyIdOf } from '../../../src/storage/seal.js';
import { SealError, type SealErrorReason } from '../../../src/errors.js';

const K1 = randomBytes(32);
const K2 = randomBytes(32);
const PAT = JSON.stringify({
  accessToken: 'osc_pat_CANARY_0123456789abcdef',
  refreshToken: 'osc_rt_CANARY_fedcba9876543210',
});

function sealErrorOf(fn: () => unknown): SealError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SealError);
    expect((err as Error).message).not.toContain('CANARY');
    return err as SealError;
  }
  throw new Error('expected a SealError');
}
const reasonOf = (fn: () => unknown): SealErrorReason => sealErrorOf(fn).reason;

/** Flips one bit of the decoded body at `index` (negative counts from the end). */
function flip(blob: string, index: number): string {
  const [v, kid, body] = blob.split('.');
  const raw = Buffer.from(body!, 'base64url');
  const i = index < 0 ? raw.length + index : index;
  raw[i] = raw[i]! ^ 0x01;
  return `${v}.${kid}.${raw.toString('base64url')}`;
}

describe('createSealer', () => {
  it('round-trips, with a fresh IV each time and no plaintext in the blob', () => {
    const s = createSealer([K1]);
    const a = s.seal(PAT, 'grant-1');
    const b = s.seal(PAT, 'grant-1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('CANARY');
    expect(a.startsWith(`v1.${keyIdOf(K1)}.`)).toBe(true);
    expect(s.open(a, 'grant-1')).toBe(PAT);
    expect(s.open(b, 'grant-1')).toBe(PAT);
    expect(s.ephemeral).toBe(false);
    expect(s.keyId).toBe(createHash('sha256').update(K1).digest('hex').slice(0, 8));
  });

  it('refuses a tampered blob: IV, ciphertext, tag or header', () => {
    const s = createSealer([K1]);
    const blob = s.seal(PAT, 'g');
    expect(reasonOf(() => s.open(flip(blob, 0), 'g'))).toBe('auth-failed');
    expect(reasonOf(() => s.open(flip(blob, 14), 'g'))).toBe('auth-failed');
    expect(reasonOf(() => s.open(flip(blob, -1), 'g'))).toBe('auth-failed');
    expect(reasonOf(() => s.open(blob.replace(/^v1\./, 'v2.'), 'g'))).toBe('malformed');
    expect(reasonOf(() => s.open('not a blob', 'g'))).toBe('malformed');
    expect(reasonOf(() => s.open(`v1.${keyIdOf(K1)}.AAAA`, 'g'))).toBe('malformed');
  });

  it('binds the blob to its grant id (AAD)', () => {
    const s = createSealer([K1]);
    expect(reasonOf(() => s.open(s.seal(PAT, 'grant-1'), 'grant-2'))).toBe('auth-failed');
  });

  it('binds the key id: a header pointing at another ring key fails', () => {
    const s = createSealer([K1, K2]);
    const blob = s.seal(PAT, 'g');
    const relabelled = blob.replace(keyIdOf(K1), keyIdOf(K2));
    expect(reasonOf(() => s.open(relabelled, 'g'))).toBe('auth-failed');
  });

  it('rotates with a keyring: the first key seals, every key opens (SECRETS-05)', () => {
    const old = createSealer([K1]).seal(PAT, 'g');
    const ring = createSealer([K2, K1]);
    expect(ring.open(old, 'g')).toBe(PAT);
    expect(ring.needsReseal(old)).toBe(true);
    const fresh = ring.seal(PAT, 'g');
    expect(ring.needsReseal(fresh)).toBe(false);
    expect(fresh.split('.')[1]).toBe(keyIdOf(K2));
    expect(createSealer([K1, K2]).open(fresh, 'g')).toBe(PAT);
    expect(reasonOf(() => createSealer([K2]).open(old, 'g'))).toBe('unknown-key');
  });

  it('uses one random ephemeral key when no keys are configured', () => {
    const a = createSealer(undefined);
    const b = createSealer(undefined);
    expect(a.ephemeral).toBe(true);
    expect(a.open(a.seal(PAT, 'g'), 'g')).toBe(PAT);
    expect(reasonOf(() => b.open(a.seal(PAT, 'g'), 'g'))).toBe('unknown-key');
    const pinned = createSealer(undefined, { generateKey: () => K1 });
    expect(createSealer([K1]).open(pinned.seal(PAT, 'g'), 'g')).toBe(PAT);
  });

  it('rejects an empty ring or a key that is not 32 bytes at construction', () => {
    expect(() => createSealer([])).toThrow(TypeError);
    expect(() => createSealer([randomBytes(16)])).toThrow(TypeError);
  });
});

describe('hash helpers', () => {
  it('hashSecret is SHA-256 in base64url', () => {
    expect(hashSecret('abc')).toBe(createHash('sha256').update('abc').digest('base64url'));
    expect(hashSecret('abc')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hashSecret('abc')).not.toBe(hashSecret('abd'));
  });

  it('randomToken carries the prefix and 256 random bits', () => {
    const t = randomToken('oscm_at_');
    expect(t).toMatch(/^oscm_at_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(t.slice('oscm_at_'.length), 'base64url')).toHaveLength(32);
    expect(new Set(Array.from({ length: 1000 }, () => randomToken('p_'))).size).toBe(1000);
  });

  it('timingSafeEqualStr compares strings of any length', () => {
    expect(timingSafeEqualStr('same', 'same')).toBe(true);
    expect(timingSafeEqualStr('same', 'samf')).toBe(false);
    expect(timingSafeEqualStr('short', 'much longer')).toBe(false);
  });
});

describe('macs (REFRESH-01)', () => {
  it('deterministic per key, one per key of the ring with the sealing key first, and keyed', () => {
    const a = createSealer([K1, K2]).macs('x');
    expect(a).toHaveLength(2);
    expect(createSealer([K1, K2]).macs('x')).toEqual(a);
    expect(createSealer([K2, K1]).macs('x')).toEqual([a[1], a[0]]);
    expect(a[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a[0]).not.toBe(a[1]);
    expect(createSealer([K1]).macs('y')[0]).not.toBe(a[0]);
  });
});
