/**
 * The OSC token pair as it lives on a grant: sealed with AES-256-GCM, the grant id as
 * associated data (docs/architecture.md, "Storage"), so a blob copied onto another grant does not open.
 *
 * The sealed plaintext is packed, not JSON (docs/storage.md, "grant"): a format byte, then
 * deflate-raw of the fields, each a 2-byte length and its bytes. A JWT-shaped access token (the
 * OSC PAT) is kept as its three parts' raw bytes instead of their base64url text, so its
 * header and claims are deflated as JSON and nothing is base64-encoded twice. Blobs sealed
 * before (plaintext JSON, which starts with `{`) still open.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Sealer } from '../../storage/seal.js';
import type { GrantRecord } from '../../storage/records.js';
import { SealError, GrantRevokedError } from '../../errors.js';

export interface OscTokenPair {
  accessToken: string;
  refreshToken?: string;
}

/** Packed formats (the first plaintext byte); JSON plaintext starts with `{` (0x7b). */
const PACKED_OPAQUE = 1;
const PACKED_JWT = 2;
/** Marks "no refresh token" in place of its length. */
const ABSENT = 0xffff;
const JWT_RE = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)$/;

function field(bytes: Buffer | undefined): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(bytes === undefined ? ABSENT : bytes.length);
  return bytes === undefined ? len : Buffer.concat([len, bytes]);
}

/** The access token's fields: the JWT's parts as bytes when they decode back to the same text. */
function accessFields(token: string): { format: number; fields: Buffer[] } {
  const text = JWT_RE.exec(token)?.slice(1) ?? [];
  const parts = text.map((p) => Buffer.from(p, 'base64url'));
  if (parts.length === 3 && parts.every((b, i) => b.toString('base64url') === text[i] && b.length < ABSENT))
    return { format: PACKED_JWT, fields: parts };
  return { format: PACKED_OPAQUE, fields: [Buffer.from(token, 'utf8')] };
}

/** The sealed plaintext of a pair (exported for its tests). */
export function packOscTokens(pair: OscTokenPair): Buffer {
  const { format, fields } = accessFields(pair.accessToken);
  const refresh = pair.refreshToken === undefined ? undefined : Buffer.from(pair.refreshToken, 'utf8');
  if ([...fields, refresh].some((b) => b !== undefined && b.length >= ABSENT))
    throw new RangeError('OSC token too long');
  const body = Buffer.concat([...fields.map(field), field(refresh)]);
  return Buffer.concat([Buffer.from([format]), deflateRawSync(body, { level: 9 })]);
}

/** Reads a plaintext of either format: packed, or the JSON of blobs sealed before. */
export function unpackOscTokens(plain: Buffer): OscTokenPair {
  const format = plain[0];
  if (format === 0x7b) return JSON.parse(plain.toString('utf8')) as OscTokenPair;
  if (format !== PACKED_OPAQUE && format !== PACKED_JWT) throw new SyntaxError('unknown OSC pair format');
  const body = inflateRawSync(plain.subarray(1));
  const fields: Array<Buffer | undefined> = [];
  for (let at = 0; at < body.length; ) {
    if (at + 2 > body.length) throw new SyntaxError('malformed OSC pair');
    const len = body.readUInt16BE(at);
    at += 2;
    if (len !== ABSENT && at + len > body.length) throw new SyntaxError('malformed OSC pair');
    if (len === ABSENT) {
      fields.push(undefined);
      continue;
    }
    fields.push(body.subarray(at, at + len));
    at += len;
  }
  const n = format === PACKED_JWT ? 3 : 1;
  if (fields.length !== n + 1 || fields.slice(0, n).some((f) => f === undefined))
    throw new SyntaxError('malformed OSC pair');
  const access = fields.slice(0, n) as Buffer[];
  const refresh = fields[n];
  return {
    accessToken:
      format === PACKED_JWT ? access.map((b) => b.toString('base64url')).join('.') : access[0]!.toString('utf8'),
    ...(refresh === undefined ? {} : { refreshToken: refresh.toString('utf8') }),
  };
}

export function sealOscTokens(sealer: Sealer, grantId: string, pair: OscTokenPair): string {
  return sealer.sealBytes(packOscTokens(pair), `grant:${grantId}`);
}

/**
 * Opens a grant's OSC tokens. A blob that no key of the ring opens makes the grant
 * unusable: the user re-authorizes (SECRETS-05), never a 500. A key missing from the ring
 * may come back (an operator's mistake), so only a blob that fails authentication — tampered
 * or corrupt — marks the grant for removal.
 */
export function openOscTokens(sealer: Sealer, grant: GrantRecord): OscTokenPair {
  try {
    return unpackOscTokens(sealer.openBytes(grant.oscSealed, `grant:${grant.id}`));
  } catch (err) {
    if (err instanceof SealError)
      throw new GrantRevokedError('the stored OSC authorization cannot be opened', {
        tampered: err.reason !== 'unknown-key',
      });
    // A plaintext that parses in neither format (zlib throws plain Errors with a code).
    if (err instanceof SyntaxError || (err instanceof Error && 'code' in err && String(err.code).startsWith('Z_')))
      throw new GrantRevokedError('the stored OSC authorization cannot be opened', { tampered: true });
    throw err;
  }
}

/**
 * How long before expiry the OSC token is refreshed: the smaller of 120 s and half its
 * lifetime, so a token that lives 8 s is not refreshed on every call (docs/architecture.md, "Token lifecycle").
 */
export function refreshMarginMs(grant: Pick<GrantRecord, 'oscLifetimeMs'>): number {
  return Math.min(120_000, Math.floor(grant.oscLifetimeMs / 2));
}

/** Reads the claims of OSC's JWT-shaped PAT without verifying it (we cannot; src/emulator/README.md). */
export function patClaims(pat: string): { tenantId?: string; userId?: string; exp?: number } {
  const part = pat.split('.')[1];
  if (!part) return {};
  try {
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    return {
      tenantId: typeof claims.tenantId === 'string' ? claims.tenantId : undefined,
      userId: typeof claims.userId === 'string' ? claims.userId : undefined,
      exp: typeof claims.exp === 'number' ? claims.exp : undefined,
    };
  } catch {
    return {};
  }
}
