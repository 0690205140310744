// private_key_jwt client authentication (RFC 7523 §2.2, §3) at the policy level: the real
// verifier, the real key source and the memory store, with keys given inline (`jwks`).
import { beforeAll, describe, expect, it } from 'vitest';
import { createAssertionVerifier } from '../../../src/oauth/client-auth.js';
import { createJwksSource } from '../../../src/oauth/jwks.js';
import { createSafeFetcher } from '../../../src/oauth/safe-fetch.js';
import { MemoryTokenStore } from '../../../src/storage/memory-store.js';
import type { ClientRecord } from '../../../src/storage/records.js';
import { hashSecret } from '../../../src/storage/hash.js';
import { newClientKey, signAssertion, type ClientKey } from '../../support/client-keys.js';

const ISSUER = 'https://mcp.example';
const TOKEN = 'https://mcp.example/token';
const CLIENT_ID = 'https://client.example/oauth/client.json';
const T0 = Date.UTC(2026, 11, 5, 12, 0, 0);

let rsa: ClientKey;
let ec: ClientKey;
let stranger: ClientKey;
beforeAll(async () => {
  [rsa, ec, stranger] = await Promise.all([newClientKey('RS256'), newClientKey('ES256'), newClientKey('RS256')]);
});

function client(extra: Partial<ClientRecord> = {}): ClientRecord {
  return {
    clientId: CLIENT_ID,
    redirectUris: ['https://client.example/cb'],
    grantTypes: ['authorization_code', 'refresh_token'],
    responseTypes: ['code'],
    tokenEndpointAuthMethod: 'private_key_jwt',
    jwks: { keys: [rsa.publicJwk as Record<string, unknown>, ec.publicJwk as Record<string, unknown>] },
    source: 'cimd',
    createdAt: T0,
    ...extra,
  };
}

function setup(now = () => T0) {
  const store = new MemoryTokenStore({ now });
  const verifier = createAssertionVerifier({
    store,
    jwks: createJwksSource({ fetcher: createSafeFetcher(), now }),
    audiences: [ISSUER, TOKEN],
    now,
  });
  return { store, verifier };
}

const nowS = Math.floor(T0 / 1000);

describe('private_key_jwt client assertions', () => {
  it.each([
    ['our issuer', ISSUER],
    ['our token endpoint', TOKEN],
    ['a list holding our token endpoint', [TOKEN, 'https://elsewhere.example']],
  ])('accepts aud = %s', async (_n, aud) => {
    const { verifier } = setup();
    await expect(
      verifier.verify(client(), await signAssertion(rsa, CLIENT_ID, aud, { nowS })),
    ).resolves.toBeUndefined();
  });

  it('accepts any of the published keys (ES256 too)', async () => {
    const { verifier } = setup();
    await expect(
      verifier.verify(client(), await signAssertion(ec, CLIENT_ID, TOKEN, { nowS })),
    ).resolves.toBeUndefined();
  });

  it.each([
    [
      'aud of another server',
      async (): Promise<string> => signAssertion(rsa, CLIENT_ID, 'https://other.example/token', { nowS }),
      /addressed to another server/,
    ],
    [
      'expired',
      async (): Promise<string> => signAssertion(rsa, CLIENT_ID, TOKEN, { nowS: nowS - 600, expiresInS: 60 }),
      /expired/,
    ],
    [
      'iss of another client',
      async (): Promise<string> => signAssertion(rsa, CLIENT_ID, TOKEN, { nowS, iss: 'https://evil.example/c.json' }),
      /iss and sub/,
    ],
    [
      'sub of another client',
      async (): Promise<string> => signAssertion(rsa, CLIENT_ID, TOKEN, { nowS, sub: 'someone' }),
      /iss and sub/,
    ],
    [
      'signed by a key the client never published',
      async (): Promise<string> => signAssertion(stranger, CLIENT_ID, TOKEN, { nowS }),
      /no key/,
    ],
    [
      'signed by an unpublished key under a published kid',
      async (): Promise<string> => signAssertion(stranger, CLIENT_ID, TOKEN, { nowS, kid: rsa.kid }),
      /signature does not verify/,
    ],
    [
      'valid for an hour',
      async (): Promise<string> => signAssertion(rsa, CLIENT_ID, TOKEN, { nowS, expiresInS: 3600 }),
      /lives too long/,
    ],
    ['not a JWT', async (): Promise<string> => 'not.a.jwt', /malformed/],
  ] as const)('refuses an assertion %s, saying why', async (_n, make, why) => {
    const { verifier } = setup();
    const err = await verifier.verify(client(), await make()).catch((e: unknown) => e);
    expect(err).toMatchObject({ errorCode: 'invalid_client' });
    expect((err as Error).message).toMatch(why);
  });

  it('refuses an algorithm other than the one the client declared', async () => {
    const { verifier } = setup();
    const err = await verifier
      .verify(client({ tokenEndpointAuthSigningAlg: 'ES256' }), await signAssertion(rsa, CLIENT_ID, TOKEN, { nowS }))
      .catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/algorithm/);
  });

  it('a jti is used once; the replay marker lives until the assertion expires', async () => {
    let now = T0;
    const { store, verifier } = setup(() => now);
    const a = await signAssertion(rsa, CLIENT_ID, TOKEN, { nowS, jti: 'once', expiresInS: 120 });
    await verifier.verify(client(), a);
    await expect(verifier.verify(client(), a)).rejects.toThrow(/already used/);
    // Another client may use the same jti: markers are per client.
    const other = 'https://other-client.example/c.json';
    await expect(
      verifier.verify(client({ clientId: other }), await signAssertion(rsa, other, TOKEN, { nowS, jti: 'once' })),
    ).resolves.toBeUndefined();
    const marker = hashSecret(`${CLIENT_ID}\nonce`);
    expect(await store.get('assertion', marker)).toEqual({ clientId: CLIENT_ID });
    // Past expiry (plus skew) the assertion itself is refused, so the marker is gone.
    now = T0 + (120 + 61) * 1000;
    expect(await store.get('assertion', marker)).toBeUndefined();
    await expect(verifier.verify(client(), a)).rejects.toThrow(/expired/);
  });
});
