// The refresher opens a grant's sealed OSC pair once per blob, not once per request (issue 18;
// src/osc/lifecycle/refresh.ts `withToken`): the same blob read again by a later request is not
// opened again; a different blob (a refresh elsewhere, a re-seal, tampering) is, so a tampered
// blob still revokes the grant (SECRETS-05).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createUpstreamRefresher } from '../../../../src/osc/lifecycle/refresh.js';
import { sealOscTokens } from '../../../../src/osc/lifecycle/tokens.js';
import { MemoryTokenStore } from '../../../../src/storage/memory-store.js';
import { createSealer, type Sealer } from '../../../../src/storage/seal.js';
import type { GrantRecord } from '../../../../src/storage/records.js';
import type { OscOAuthClient } from '../../../../src/osc/oauth-client.js';
import type { OscClientProvider } from '../../../../src/osc/lifecycle/client-registration.js';

function setup() {
  const inner = createSealer([randomBytes(32)]);
  let opens = 0;
  const sealer: Sealer = {
    ...inner,
    openBytes: (blob, aad) => {
      opens++;
      return inner.openBytes(blob, aad);
    },
  };
  const store = new MemoryTokenStore();
  const refresher = createUpstreamRefresher({
    store,
    sealer,
    oauth: {} as OscOAuthClient,
    clients: {} as OscClientProvider,
    log: pino({ level: 'silent' }),
    grantTtlS: 3600,
  });
  const grant = (access: string): GrantRecord => ({
    id: 'g1',
    version: 1,
    clientId: 'c1',
    scopes: ['osc:read'],
    resource: 'https://mcp.example/mcp',
    tenantId: 't',
    userId: 'u',
    createdAt: Date.now(),
    oscSealed: sealOscTokens(inner, 'g1', { accessToken: access, refreshToken: 'r' }),
    oscExpiresAt: Date.now() + 3_600_000,
    oscLifetimeMs: 3_600_000,
    oscClientId: 'osc-client',
  });
  return { refresher, grant, store, opens: () => opens };
}

describe('the opened OSC access token, remembered per blob', () => {
  it('opens the same blob once across requests, and a different blob again', async () => {
    const { refresher, grant, opens } = setup();
    const first = grant('pat-1');
    expect((await refresher.ensureFresh(first)).accessToken).toBe('pat-1');
    // Each request parses its own copy of the record: same blob, a different object.
    expect((await refresher.ensureFresh({ ...first })).accessToken).toBe('pat-1');
    expect(opens()).toBe(1);
    const rotated = grant('pat-2');
    expect((await refresher.ensureFresh(rotated)).accessToken).toBe('pat-2');
    expect(opens()).toBe(2);
  });

  it('a tampered blob is opened, fails and revokes the grant, though its grant was opened before', async () => {
    const { refresher, grant, store, opens } = setup();
    const g = grant('pat-1');
    await store.put('grant', g.id, g, 3600);
    await refresher.ensureFresh(g);
    const body = g.oscSealed.slice(0, -4);
    const tampered = { ...g, oscSealed: `${body}${g.oscSealed.endsWith('AAAA') ? 'BBBB' : 'AAAA'}` };
    await expect(refresher.ensureFresh(tampered)).rejects.toMatchObject({ tampered: true });
    expect(opens()).toBe(2);
    expect(await store.get('grant', g.id)).toBeUndefined();
  });
});
