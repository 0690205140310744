/**
 * SECRET-07, SECRET-08: the secret page's policy (src/secrets/entry.ts) against the memory
 * store with an injected clock: a link is stored only as a hash and holds no value, expires,
 * is taken once, belongs to one OSC user, and its CSRF token is bound to one session and one link.
 */
import { describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../../src/storage/memory-store.js';
import { hashSecret } from '../../../src/storage/hash.js';
import {
  ENTRY_ID_RE,
  entryCsrfValid,
  findSecretEntry,
  isOwner,
  issueEntryCsrf,
  openSecretEntry,
  restoreSecretEntry,
  secretEntryPort,
  secretEntryUrl,
  takeSecretEntry,
} from '../../../src/secrets/entry.js';
import { sampleGrant } from '../../support/store-contract-harness.js';

const T0 = 1_800_000_000_000;
const owner = { grantId: 'g-1', clientId: 'c-1', tenantId: 'acme', userId: 'alice' };
const target = { serviceId: 'birme-osc-postgresql', secretName: 'dbpassword' };

function setup() {
  let t = T0;
  const store = new MemoryTokenStore({ now: () => t, sweepIntervalMs: 0 });
  return { store, now: () => t, advance: (ms: number) => (t += ms) };
}

describe('SECRET-07: a set_secret link', () => {
  it('is 256 random bits in the URL, stored only under its hash, with the owner and target and no value', async () => {
    const { store, now } = setup();
    const a = await openSecretEntry(store, owner, target, { ttlS: 600, now: now() });
    const b = await openSecretEntry(store, owner, target, { ttlS: 600, now: now() });
    expect(a.id).toMatch(ENTRY_ID_RE);
    expect(a.id).not.toBe(b.id);
    expect(a.expiresAt).toBe(T0 + 600_000);
    expect(secretEntryUrl('https://mcp.example', a.id)).toBe(`https://mcp.example/secrets/enter/${a.id}`);
    expect(await store.get('secretEntry', a.id)).toBeUndefined();
    expect(await store.get('secretEntry', hashSecret(a.id))).toEqual({
      ...owner,
      ...target,
      createdAt: T0,
      expiresAt: T0 + 600_000,
    });
  });

  it('is found until it expires; malformed or unknown ids find nothing', async () => {
    const { store, now, advance } = setup();
    const { id } = await openSecretEntry(store, owner, target, { ttlS: 600, now: now() });
    expect((await findSecretEntry(store, id, now()))?.record.secretName).toBe('dbpassword');
    expect(await findSecretEntry(store, `${id}x`, now())).toBeUndefined();
    expect(await findSecretEntry(store, 'A'.repeat(43), now())).toBeUndefined();
    advance(600_000);
    expect(await findSecretEntry(store, id, now())).toBeUndefined();
  });

  it('is taken once: of two takes one wins; a restored link is usable again for what is left of its life', async () => {
    const { store, now, advance } = setup();
    const { id } = await openSecretEntry(store, owner, target, { ttlS: 600, now: now() });
    const key = hashSecret(id);
    const [x, y] = await Promise.all([takeSecretEntry(store, key, now()), takeSecretEntry(store, key, now())]);
    expect([x, y].filter(Boolean)).toHaveLength(1);
    expect(await findSecretEntry(store, id, now())).toBeUndefined();
    advance(100_000);
    await restoreSecretEntry(store, key, (x ?? y)!, now());
    expect(await findSecretEntry(store, id, now())).toBeDefined();
    advance(500_000);
    expect(await findSecretEntry(store, id, now())).toBeUndefined();
  });

  it('dies with its grant (revoking the grant removes it)', async () => {
    const { store, now } = setup();
    const { id } = await openSecretEntry(store, owner, target, { ttlS: 600, now: now() });
    await store.revokeGrant('g-1');
    expect(await findSecretEntry(store, id, now())).toBeUndefined();
  });

  it('the port reads the grant for the owner; a revoked grant makes no link', async () => {
    const { store, now } = setup();
    const grant = { ...sampleGrant('g-9'), tenantId: 'acme', userId: 'alice', clientId: 'c-7' };
    await store.put('grant', 'g-9', grant, 600);
    const port = secretEntryPort({ store, publicUrl: 'https://mcp.example', ttlS: 300, now }, 'g-9');
    const { url, expiresAt } = await port.open(target);
    const id = url.split('/').at(-1)!;
    expect(url).toBe(`https://mcp.example/secrets/enter/${id}`);
    expect(expiresAt).toBe(T0 + 300_000);
    expect((await findSecretEntry(store, id, now()))?.record).toMatchObject({
      grantId: 'g-9',
      clientId: 'c-7',
      tenantId: 'acme',
      userId: 'alice',
    });
    const gone = secretEntryPort({ store, publicUrl: 'https://mcp.example', ttlS: 300, now }, 'g-0');
    await expect(gone.open(target)).rejects.toMatchObject({ name: 'GrantRevokedError' });
  });
});

describe('SECRET-08: same user, and CSRF bound to the session and the link', () => {
  it('only the same tenant and user own the link', () => {
    expect(isOwner(owner, { tenantId: 'acme', userId: 'alice' })).toBe(true);
    expect(isOwner(owner, { tenantId: 'acme', userId: 'bob' })).toBe(false);
    expect(isOwner(owner, { tenantId: 'other', userId: 'alice' })).toBe(false);
  });

  it('a token is valid for its session and link only; a new GET replaces it; the record keeps its expiry', async () => {
    const { store, now, advance } = setup();
    const a = await openSecretEntry(store, owner, target, { ttlS: 600, now: now() });
    const b = await openSecretEntry(store, owner, target, { ttlS: 600, now: now() });
    const ea = (await findSecretEntry(store, a.id, now()))!;
    const eb = (await findSecretEntry(store, b.id, now()))!;
    expect(entryCsrfValid(ea.record, 's-1', '')).toBe(false);
    advance(60_000);
    const csrf = await issueEntryCsrf(store, ea, 's-1', now());
    const fresh = (await findSecretEntry(store, a.id, now()))!.record;
    expect(fresh.expiresAt).toBe(T0 + 600_000);
    expect(JSON.stringify(fresh)).not.toContain(csrf);
    expect(entryCsrfValid(fresh, 's-1', csrf)).toBe(true);
    expect(entryCsrfValid(fresh, 's-2', csrf)).toBe(false);
    const other1 = csrf.endsWith('A') ? 'B' : 'A';
    expect(entryCsrfValid(fresh, 's-1', `${csrf.slice(0, -1)}${other1}`)).toBe(false);
    // Another link's form, same session: its own token only.
    const other = await issueEntryCsrf(store, eb, 's-1', now());
    expect(entryCsrfValid(fresh, 's-1', other)).toBe(false);
    // A second GET replaces the token.
    const again = await issueEntryCsrf(store, { key: ea.key, record: fresh }, 's-1', now());
    const latest = (await findSecretEntry(store, a.id, now()))!.record;
    expect(entryCsrfValid(latest, 's-1', again)).toBe(true);
    expect(entryCsrfValid(latest, 's-1', csrf)).toBe(false);
    advance(540_000);
    expect(await findSecretEntry(store, a.id, now())).toBeUndefined();
  });
});
