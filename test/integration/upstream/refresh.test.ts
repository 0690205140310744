// The OSC token's lifecycle seen from /mcp (docs/architecture.md, "Token lifecycle"):
// UPSTREAM-01, -02, -06, -13, -14.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../support/stack.js';
import { connect, mcpPost, refresh } from '../../support/oauth-flow.js';
import type { GrantRecord } from '../../../src/storage/records.js';

let offsetMs = 0;
const now = () => Date.now() + offsetMs;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ overrides: { now } });
});
afterAll(() => stack.close());
beforeEach(async () => {
  offsetMs = 0;
  await stack.emulator.control.setClockOffset(0);
  await stack.emulator.control.clearFaults();
});

const balance = (at: string, id = 1) =>
  mcpPost(stack.mcpUrl, at, {
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name: 'token_balance', arguments: {} },
  });

/** Moves both clocks: ours and the emulator's. */
async function advance(seconds: number): Promise<void> {
  offsetMs += seconds * 1000;
  await stack.emulator.control.advanceClock(seconds);
}

/** The grant the latest flow created, found through the `grant_created` log event. */
async function grantOf(before: Set<string>): Promise<GrantRecord> {
  const created = stack.logs
    .map((l) => /"event":"grant_created","grantId":"([^"]+)"/.exec(l)?.[1])
    .filter((x): x is string => !!x && !before.has(x));
  const id = created.at(-1);
  if (!id) throw new Error('no new grant');
  before.add(id);
  return (await stack.store.get('grant', id))!;
}

const seen = new Set<string>();

describe('upstream refresh', () => {
  it('UPSTREAM-01: with 100 s left (< 120 s margin) one call refreshes once, then uses the new PAT; the next call does not refresh', async () => {
    const { tokens } = await connect(stack.url, { user: 'alice' });
    const grant = await grantOf(seen);
    const s0 = await stack.emulator.control.stats();
    offsetMs = 3500_000;
    const res = await balance(tokens.access_token);
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain('"isError":true');
    const s1 = await stack.emulator.control.stats();
    expect(s1.refreshes - s0.refreshes).toBe(1);
    expect(s1.apiCalls).toBeGreaterThan(s0.apiCalls);
    const after = (await stack.store.get('grant', grant.id))!;
    expect(after.oscSealed).not.toBe(grant.oscSealed);
    expect(after.version).toBe(grant.version + 1);
    await balance(tokens.access_token, 2);
    expect((await stack.emulator.control.stats()).refreshes).toBe(s1.refreshes);
  });

  it('UPSTREAM-02: 50 concurrent calls with the OSC token expired → one refresh, 50 successes', async () => {
    const { tokens } = await connect(stack.url, { user: 'bob' });
    await grantOf(seen);
    const s0 = await stack.emulator.control.stats();
    offsetMs = 3550_000;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => balance(tokens.access_token, i)));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect((await stack.emulator.control.stats()).refreshes - s0.refreshes).toBe(1);
  });

  it('UPSTREAM-06: the user revoked at OSC → the next request needing a refresh gets a 401 challenge, our refresh is invalid_grant, every token of the grant is dead', async () => {
    const { client, tokens } = await connect(stack.url, { user: 'carol' });
    await grantOf(seen);
    const second = await refresh(stack.url, client, tokens.refresh_token);
    const at2 = second.body.access_token as string;
    await stack.emulator.control.revokeUser('carol');
    offsetMs = 3550_000;
    const res = await balance(at2);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/Bearer error="invalid_token".*resource_metadata="/);
    const r = await refresh(stack.url, client, second.body.refresh_token as string);
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid_grant');
    expect((await balance(tokens.access_token, 2)).status).toBe(401);
  });

  it('UPSTREAM-13a: OSC answers 503 to the refresh without rotating → 503 now, stored tokens kept, the next call refreshes', async () => {
    const { tokens } = await connect(stack.url, { user: 'alice' });
    const grant = await grantOf(seen);
    offsetMs = 3550_000;
    await stack.emulator.control.failNext('oauth.token.refresh', { status: 503 }, 1);
    const first = await balance(tokens.access_token);
    expect(first.status).toBe(503);
    expect(Number(first.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await stack.store.get('grant', grant.id))!.oscSealed).toBe(grant.oscSealed);
    const second = await balance(tokens.access_token, 2);
    expect(second.status).toBe(200);
    expect((await stack.store.get('grant', grant.id))!.version).toBe(grant.version + 1);
  });

  it('UPSTREAM-13b: OSC rotated, then answered 503 → 503 now; the next call finds the refresh token dead → 401 challenge', async () => {
    const { tokens } = await connect(stack.url, { user: 'bob' });
    const grant = await grantOf(seen);
    offsetMs = 3550_000;
    await stack.emulator.control.failNext('oauth.token.refresh', { status: 503, commit: true }, 1);
    expect((await balance(tokens.access_token)).status).toBe(503);
    expect((await stack.store.get('grant', grant.id))!.oscSealed).toBe(grant.oscSealed);
    const second = await balance(tokens.access_token, 2);
    expect(second.status).toBe(401);
    expect(await stack.store.get('grant', grant.id)).toBeUndefined();
  });

  it('UPSTREAM-14: idle past the OSC refresh token (7,201 s) → challenge; one call every 30 min for 6 h → never re-authorize', async () => {
    const idle = await connect(stack.url, { user: 'alice' });
    await grantOf(seen);
    await advance(7201);
    // Our own access token (3600 s) has expired too; the client refreshes ours first.
    const ours = await refresh(stack.url, idle.client, idle.tokens.refresh_token);
    expect(ours.status).toBe(200);
    expect((await balance(ours.body.access_token as string)).status).toBe(401);

    const active = await connect(stack.url, { user: 'carol' });
    await grantOf(seen);
    let rt = active.tokens.refresh_token;
    for (let step = 1; step <= 12; step++) {
      await advance(1800);
      const r = await refresh(stack.url, active.client, rt);
      expect(r.status, `step ${step}`).toBe(200);
      rt = r.body.refresh_token as string;
      const res = await balance(r.body.access_token as string, step);
      expect(res.status, `step ${step}`).toBe(200);
      expect(await res.text()).not.toContain('"isError":true');
    }
  });
});
