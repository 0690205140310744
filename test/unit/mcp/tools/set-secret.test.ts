/** SECRET-07: set_secret (src/mcp/tools/set-secret.ts) against the OSC fake and the memory store: a link, never a value. */
import { describe, expect, it } from 'vitest';
import { FakeOscPlatform } from '../../../support/fakes/osc-platform.js';
import { inMemoryMcp, textOf } from '../../../support/mcp-in-memory.js';
import { MemoryTokenStore } from '../../../../src/storage/memory-store.js';
import { findSecretEntry, secretEntryPort } from '../../../../src/secrets/entry.js';
import { sampleGrant } from '../../../support/store-contract-harness.js';

const signal = () => AbortSignal.timeout(5_000);

async function setup() {
  const store = new MemoryTokenStore({ sweepIntervalMs: 0 });
  await store.put('grant', 'g-1', { ...sampleGrant('g-1'), tenantId: 'acme', userId: 'alice' }, 600);
  const port = secretEntryPort({ store, publicUrl: 'https://mcp.example', ttlS: 600, now: Date.now }, 'g-1');
  return { store, port, osc: new FakeOscPlatform() };
}

describe('set_secret', () => {
  it('answers a single-use link to our page, says the secret does not exist yet, and stores no value', async () => {
    const { store, port, osc } = await setup();
    const r = await inMemoryMcp(osc).call(
      'set_secret',
      { serviceId: 'birme-osc-postgresql', secretName: 'apikey' },
      { secretEntry: port },
    );
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent as { url: string; exists: boolean; openAsUrlElicitation: boolean };
    expect(s).toMatchObject({ serviceId: 'birme-osc-postgresql', secretName: 'apikey', exists: false });
    expect(s.openAsUrlElicitation).toBe(false);
    expect(s.url).toMatch(/^https:\/\/mcp\.example\/secrets\/enter\/[A-Za-z0-9_-]{43}$/);
    expect(textOf(r)).toContain(s.url);
    expect(textOf(r)).toMatch(/must open this link/);
    expect(textOf(r)).toMatch(/Do not ask the user to paste the value/);
    const entry = await findSecretEntry(store, s.url.split('/').at(-1)!, Date.now());
    expect(entry?.record).toMatchObject({ grantId: 'g-1', userId: 'alice', secretName: 'apikey' });
    // One OSC call (the secret names) and one store write for the link.
    expect(osc.calls).toEqual({ listSecrets: 1 });
    expect(await osc.listSecrets('birme-osc-postgresql', signal())).toEqual([]);
  });

  it('a second call tells whether the secret now exists (never its value)', async () => {
    const { port, osc } = await setup();
    await osc.saveSecret('birme-osc-postgresql', 'apikey', 'typed-by-the-person-only', signal());
    const r = await inMemoryMcp(osc).call(
      'set_secret',
      { serviceId: 'birme-osc-postgresql', secretName: 'apikey' },
      { secretEntry: port },
    );
    expect(r.structuredContent).toMatchObject({ exists: true });
    expect(textOf(r)).toMatch(/exists; the link replaces its value/);
    expect(JSON.stringify(r)).not.toContain('typed-by-the-person-only');
  });

  it('refuses a value or any other extra argument, and a bad name, before anything happens', async () => {
    const { store, port, osc } = await setup();
    const mcp = inMemoryMcp(osc);
    for (const extra of [{ value: 'hunter22hunter' }, { secretData: 'x' }, { secretValue: 'x' }, { confirm: true }]) {
      const r = await mcp.call(
        'set_secret',
        { serviceId: 'birme-osc-postgresql', secretName: 'apikey', ...extra },
        { secretEntry: port },
      );
      expect(r.isError, JSON.stringify(extra)).toBe(true);
    }
    const bad = await mcp.call(
      'set_secret',
      { serviceId: 'birme-osc-postgresql', secretName: 'a b' },
      { secretEntry: port },
    );
    expect(bad.isError).toBe(true);
    expect(osc.calls.listSecrets).toBeUndefined();
    const stored = [];
    for await (const batch of store.scan('secretEntry')) stored.push(...batch);
    expect(stored).toEqual([]);
  });

  it('needs osc:write; without the page configured it says so', async () => {
    const { osc } = await setup();
    const mcp = inMemoryMcp(osc);
    // A read-only grant does not see the tool at all (the /mcp route answers 403 before it).
    expect((await mcp.listTools(['osc:read'])).map((t) => t.name)).not.toContain('set_secret');
    const none = await mcp.call('set_secret', { serviceId: 'birme-osc-postgresql', secretName: 'apikey' });
    expect(none.isError).toBe(true);
    expect(textOf(none)).toMatch(/no secret page/);
  });
});
