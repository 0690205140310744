// SECRETS-09: the OSC pair's sealed plaintext is packed (src/osc/lifecycle/tokens.ts): a JWT PAT
// as its parts' bytes, deflated, no JSON; it round-trips exactly, blobs sealed as JSON before
// still open, and a plaintext in neither format makes the grant unusable, never a 500.
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GrantRevokedError } from '../../../../src/errors.js';
import { signJwt } from '../../../../src/emulator/jwt.js';
import { PAT_ISSUER } from '../../../../src/emulator/tokens.js';
import {
  openOscTokens,
  packOscTokens,
  sealOscTokens,
  unpackOscTokens,
  type OscTokenPair,
} from '../../../../src/osc/lifecycle/tokens.js';
import type { GrantRecord } from '../../../../src/storage/records.js';
import { createSealer } from '../../../../src/storage/seal.js';

const sealer = createSealer([randomBytes(32)]);
const pat = signJwt(
  {
    iss: PAT_ISSUER,
    tenantId: 'alice-team',
    userId: 'alice',
    patId: randomUUID(),
    clientId: randomUUID(),
    iat: 1_700_000_000,
    exp: 1_700_003_600,
  },
  randomBytes(32),
);
const rt = randomBytes(32).toString('base64url');
const grantOf = (id: string, oscSealed: string) => ({ id, oscSealed }) as GrantRecord;

describe('SECRETS-09: the sealed OSC pair is packed', () => {
  const pairs: Array<[string, OscTokenPair]> = [
    ['a JWT PAT and a refresh token', { accessToken: pat, refreshToken: rt }],
    ['a JWT PAT without a refresh token', { accessToken: pat }],
    ['an opaque access token', { accessToken: `opaque-${rt}`, refreshToken: 'r' }],
    // Three dot-separated parts that are not canonical base64url (a trailing bit set) stay text.
    ['a JWT-like token that is not canonical base64url', { accessToken: 'ab.cd.ef', refreshToken: '' }],
    ['an empty signature part', { accessToken: `${pat.split('.').slice(0, 2).join('.')}.` }],
  ];
  it.each(pairs)('round-trips %s exactly, sealed and opened on its grant', (_, pair) => {
    expect(unpackOscTokens(packOscTokens(pair))).toStrictEqual(pair);
    expect(openOscTokens(sealer, grantOf('g1', sealOscTokens(sealer, 'g1', pair)))).toStrictEqual(pair);
  });

  it('is smaller than the JSON it replaces: the blob of an emulator-shaped pair shrinks by over 30 %', () => {
    const json = sealer.seal(JSON.stringify({ accessToken: pat, refreshToken: rt }), 'grant:g1');
    const packed = sealOscTokens(sealer, 'g1', { accessToken: pat, refreshToken: rt });
    console.log(`sealed OSC pair: JSON ${json.length} characters, packed ${packed.length}`);
    expect(packed.length).toBeLessThan(json.length * 0.7);
  });

  it('a blob sealed as JSON before still opens', () => {
    const pair = { accessToken: pat, refreshToken: rt };
    const old = sealer.seal(JSON.stringify(pair), 'grant:g1');
    expect(openOscTokens(sealer, grantOf('g1', old))).toStrictEqual(pair);
  });

  it('a plaintext in neither format makes the grant unusable (GrantRevokedError, tampered)', () => {
    for (const plain of [
      Buffer.from([1, 0xff, 0xff, 0xff]),
      Buffer.from([2]),
      Buffer.from([9, 1, 2]),
      Buffer.from('{x'),
    ]) {
      const blob = sealer.sealBytes(plain, 'grant:g1');
      expect(() => openOscTokens(sealer, grantOf('g1', blob))).toThrow(GrantRevokedError);
    }
  });
});
