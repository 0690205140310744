// Grant creation after OSC's sign-in, against the memory store and the real sealer.
import { afterEach, describe, expect, it } from 'vitest';
import { createGrant } from '../../../src/oauth/grant.js';
import { openOscTokens } from '../../../src/osc/lifecycle/tokens.js';
import { hashSecret } from '../../../src/storage/hash.js';
import { MemoryTokenStore } from '../../../src/storage/memory-store.js';
import { createSealer } from '../../../src/storage/seal.js';

const request = {
  clientId: 'client-1',
  scopes: ['osc:read'],
  resource: 'https://mcp.example/mcp',
  redirectUri: 'https://app.example/cb',
  codeChallenge: 'c'.repeat(43),
  oscClientId: 'osc-client-1',
};
const tokens = { accessToken: 'osc-at', refreshToken: 'osc-rt', expiresIn: 3600 };
const user = { tenantId: 'tenant-1', userId: 'user-1' };

describe('createGrant', () => {
  let now = 1_000_000;
  const store = new MemoryTokenStore({ now: () => now, sweepIntervalMs: 0 });
  const sealer = createSealer([Buffer.alloc(32, 3)]);
  afterEach(() => store.close());

  it('stores the grant with the OSC tokens sealed to it and our code pointing at it', async () => {
    const { grant, code } = await createGrant({ store, sealer }, request, tokens, user, now);
    expect(code).toMatch(/^oscm_code_[A-Za-z0-9_-]{43}$/);
    const stored = await store.get('grant', grant.id);
    expect(stored).toEqual(grant);
    expect(stored).toMatchObject({
      version: 1,
      clientId: 'client-1',
      tenantId: 'tenant-1',
      userId: 'user-1',
      oscClientId: 'osc-client-1',
      oscExpiresAt: now + 3_600_000,
      oscLifetimeMs: 3_600_000,
    });
    expect(JSON.stringify(stored)).not.toContain('osc-at');
    expect(openOscTokens(sealer, grant)).toEqual({ accessToken: 'osc-at', refreshToken: 'osc-rt' });
    expect(await store.get('code', hashSecret(code))).toEqual({
      grantId: grant.id,
      ...request,
      oscClientId: undefined,
      createdAt: now,
    });
  });

  it('the code lives its TTL, the unredeemed grant its pending TTL', async () => {
    const { grant, code } = await createGrant(
      { store, sealer, codeTtlS: 60, pendingTtlS: 600 },
      request,
      tokens,
      user,
      now,
    );
    now += 60_000;
    expect(await store.get('code', hashSecret(code))).toBeUndefined();
    expect(await store.get('grant', grant.id)).toBeDefined();
    now += 540_000;
    expect(await store.get('grant', grant.id)).toBeUndefined();
  });
});
