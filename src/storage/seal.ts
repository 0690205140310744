/**
 * Sealing of OSC tokens at rest (docs/architecture.md, "Storage", SECRETS-03, SECRETS-02, SECRETS-05).
 *
 * Blob: `v1.<kid>.<base64url(iv ‖ ciphertext ‖ tag)>`, AES-256-GCM with a fresh 12-byte IV.
 * `kid` is the first 8 hex digits of SHA-256(key), so a keyring (`SEAL_KEYS`) can find the
 * key that sealed a blob and a rotation can be detected. The caller's `aad` (the grant id)
 * is authenticated together with the blob header, so a blob copied onto another grant, or a
 * header edited to point at another key, fails to open.
 *
 * Errors are `SealError` with a fixed message per reason: never the plaintext, the key or
 * the blob (SECRETS-03: nothing secret in an error).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { SealError } from '../errors.js';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export interface Sealer {
  /** Encrypts `plaintext`, binding it to `aad` (the grant id). */
  seal(plaintext: string, aad: string): string;
  /** Decrypts a blob sealed with any key of the ring and the same `aad`; otherwise SealError. */
  open(blob: string, aad: string): string;
  /** `seal` for bytes: the same blob format, the plaintext as given. */
  sealBytes(plaintext: Buffer, aad: string): string;
  /** `open` for bytes. */
  openBytes(blob: string, aad: string): Buffer;
  /** True when the blob was not sealed with the current (first) key: re-seal it on next write. */
  needsReseal(blob: string): boolean;
  /**
   * Keyed MACs of `input` (HMAC-SHA256 under a subkey of each key of the ring, base64url,
   * 43 characters), the sealing key's first. Deterministic, so every replica derives the
   * same value; secret, so nobody without the keys can (src/oauth/issue.ts, REFRESH-01).
   */
  macs(input: string): string[];
  /** True when no keys were configured and a random per-process key is in use. */
  readonly ephemeral: boolean;
  /** Key id of the sealing key (safe to log: a truncated hash). */
  readonly keyId: string;
}

export interface SealerOptions {
  /** Source of the ephemeral key when `keys` is undefined (tests may pin it). */
  generateKey?: () => Buffer;
}

/** The key id: first 8 hex digits of SHA-256(key). Not secret; identifies a key in a blob. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * Builds a sealer over a keyring: the first key seals, every key opens. `undefined` keys →
 * one random ephemeral key and `ephemeral: true` (the caller warns at boot: restarts then
 * sign every user out, docs/architecture.md, "Token lifecycle"). Throws at construction on an empty ring or a key that is
 * not 32 bytes, so a bad configuration never reaches a request.
 */
export function createSealer(keys: readonly Buffer[] | undefined, opts: SealerOptions = {}): Sealer {
  const ephemeral = keys === undefined;
  const ring = ephemeral ? [(opts.generateKey ?? (() => randomBytes(KEY_BYTES)))()] : [...keys];
  if (ring.length === 0) throw new TypeError('seal keyring is empty');
  for (const k of ring) {
    if (k.length !== KEY_BYTES) throw new TypeError(`each seal key must be ${KEY_BYTES} bytes`);
  }
  const byId = new Map<string, Buffer>();
  // First occurrence wins, so a duplicated key id cannot shadow the sealing key.
  for (const k of ring) if (!byId.has(keyIdOf(k))) byId.set(keyIdOf(k), k);
  const sealKey = ring[0]!;
  const sealKid = keyIdOf(sealKey);
  // A subkey per key for MACs, so no key is used both to encrypt and to authenticate.
  const macKeys = [...byId.values()].map((k) => createHmac('sha256', k).update('osc-mcp derived tokens v1').digest());

  const header = (kid: string): string => `${VERSION}.${kid}.`;
  const aadBytes = (kid: string, aad: string): Buffer => Buffer.from(header(kid) + aad, 'utf8');

  function parse(blob: string): { kid: string; raw: Buffer } {
    const parts = typeof blob === 'string' ? blob.split('.') : [];
    const [version, kid, body] = parts;
    if (parts.length !== 3 || version !== VERSION || !kid || !/^[0-9a-f]{8}$/.test(kid) || !body) {
      throw new SealError('malformed');
    }
    const raw = Buffer.from(body, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new SealError('malformed');
    return { kid, raw };
  }

  function sealBytes(plaintext: Buffer, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', sealKey, iv);
    cipher.setAAD(aadBytes(sealKid, aad));
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return header(sealKid) + Buffer.concat([iv, ct, cipher.getAuthTag()]).toString('base64url');
  }

  function openBytes(blob: string, aad: string): Buffer {
    const { kid, raw } = parse(blob);
    const key = byId.get(kid);
    if (!key) throw new SealError('unknown-key');
    const iv = raw.subarray(0, IV_BYTES);
    const tag = raw.subarray(raw.length - TAG_BYTES);
    const ct = raw.subarray(IV_BYTES, raw.length - TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aadBytes(kid, aad));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ct), decipher.final()]);
    } catch {
      // OpenSSL's message says nothing useful and must not leak; the reason is enough.
      throw new SealError('auth-failed');
    }
  }

  return {
    ephemeral,
    keyId: sealKid,
    seal: (plaintext, aad) => sealBytes(Buffer.from(plaintext, 'utf8'), aad),
    sealBytes,
    open: (blob, aad) => openBytes(blob, aad).toString('utf8'),
    openBytes,
    macs(input) {
      return macKeys.map((k) => createHmac('sha256', k).update(input, 'utf8').digest('base64url'));
    },
    needsReseal(blob) {
      try {
        return parse(blob).kid !== sealKid;
      } catch {
        return true;
      }
    },
  };
}
