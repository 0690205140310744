// Starting and finishing an OSC sign-in (OAUTH-18), the part shared by /authorize and
// /connections, with a configured OSC client: no call leaves the process. The code
// exchange itself is covered against the emulator in test/integration/oauth/callback.test.ts.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../src/log.js';
import { oscOAuthUrls } from '../../../../src/osc/hosts.js';
import { createOscClientProvider } from '../../../../src/osc/lifecycle/client-registration.js';
import { finishOscSignIn, newPkcePair, signedInUser, startOscSignIn } from '../../../../src/osc/lifecycle/sign-in.js';
import { createOscOAuthClient } from '../../../../src/osc/oauth-client.js';
import { hashSecret } from '../../../../src/storage/hash.js';
import { MemoryTokenStore } from '../../../../src/storage/memory-store.js';
import { createSealer } from '../../../../src/storage/seal.js';

const callbackUrl = 'https://mcp.example/oauth/callback';
const oscOAuth = createOscOAuthClient(oscOAuthUrls('emu'));
const store = new MemoryTokenStore({ sweepIntervalMs: 0 });
const oscClients = createOscClientProvider({
  store,
  oauth: oscOAuth,
  sealer: createSealer([Buffer.alloc(32, 5)]),
  redirectUri: callbackUrl,
  configured: { clientId: 'configured-client', clientSecret: 's' },
  log: createLogger({ level: 'silent' }),
});
const deps = { oscOAuth, oscClients, callbackUrl };

describe('startOscSignIn', () => {
  it('sends the browser to OSC with our S256 challenge and a state whose hash keys the record; the verifier stays out of the URL', async () => {
    const started = await startOscSignIn(deps);
    const url = new URL(started.url);
    expect(url.origin).toBe('https://app.emu.osaas.io');
    const q = Object.fromEntries(url.searchParams);
    expect(q).toMatchObject({
      response_type: 'code',
      client_id: 'configured-client',
      redirect_uri: callbackUrl,
      code_challenge_method: 'S256',
    });
    expect(q.code_challenge).toBe(hashSecret(started.oscCodeVerifier));
    expect(hashSecret(q.state!)).toBe(started.stateHash);
    expect(started.url).not.toContain(started.oscCodeVerifier);
    expect(started.oscClientId).toBe('configured-client');
  });

  it('every sign-in gets its own state and verifier', async () => {
    const [a, b] = await Promise.all([startOscSignIn(deps), startOscSignIn(deps)]);
    expect(a.stateHash).not.toBe(b.stateHash);
    expect(a.oscCodeVerifier).not.toBe(b.oscCodeVerifier);
  });

  it('a PKCE pair: a 43-character verifier and its S256 challenge', () => {
    const { verifier, challenge } = newPkcePair();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).toBe(hashSecret(verifier));
  });
});

describe('finishOscSignIn', () => {
  it('a sign-in started with a client that no longer exists is client_gone, before any call to OSC', async () => {
    expect(await finishOscSignIn(deps, { oscClientId: 'another-client', oscCodeVerifier: 'v' }, 'code')).toBe(
      'client_gone',
    );
  });
});

describe('signedInUser', () => {
  const pat = (claims: object) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;
  it('reads tenant and user from OSC token claims; the user defaults to the tenant', () => {
    expect(signedInUser({ accessToken: pat({ tenantId: 't', userId: 'u' }), expiresIn: 1 })).toEqual({
      tenantId: 't',
      userId: 'u',
    });
    expect(signedInUser({ accessToken: pat({ tenantId: 't' }), expiresIn: 1 })).toEqual({ tenantId: 't', userId: 't' });
  });
  it('a token without a tenant signs nobody in', () => {
    expect(signedInUser({ accessToken: pat({ userId: 'u' }), expiresIn: 1 })).toBeUndefined();
    expect(signedInUser({ accessToken: 'not-a-jwt', expiresIn: 1 })).toBeUndefined();
  });
});
