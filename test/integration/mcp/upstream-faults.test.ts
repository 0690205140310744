/**
 * OSC misbehaving, through the emulator's fault knobs: UPSTREAM-07 (401 → one refresh;
 * revoked → re-authorization), SAT 401 (one re-mint, no PAT refresh), UPSTREAM-08 (bounded
 * read retries, Retry-After), UPSTREAM-09 (create never retried; unknown outcome),
 * UPSTREAM-10 (hang → timeout, no unhandled rejection), UPSTREAM-11 (bad bodies),
 * UPSTREAM-12 (port closed), MCP-06 (errors are results), SECRETS-03 (upstream text and
 * echoed tokens never reach the result or the log).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestEmulator } from '../../support/emulator.js';
import { countCalls, startEmu, textOf, userSession, type UserSession } from './harness.js';
import { installOscDispatcher } from '../../../src/osc/dispatcher.js';

let emu: TestEmulator;
let alice: UserSession;
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);

beforeAll(async () => {
  emu = await startEmu({ instanceStartMs: 0 });
  process.on('unhandledRejection', onUnhandled);
});
beforeEach(async () => {
  await emu.control.clearFaults();
  alice = await userSession(emu, 'alice');
});
afterEach(() => expect(unhandled).toEqual([]));
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await emu?.close();
});

describe('authorization failures upstream', () => {
  it('UPSTREAM-07: a 401 to a fresh PAT → one refresh, one retry, success', async () => {
    await emu.control.failNext('catalog.subscriptions.list', {
      status: 401,
      body: { error: 'invalid authorization header' },
    });
    const r = await alice.call('list_services');
    expect(r.isError).toBeFalsy();
    expect(alice.credentials.refreshes).toBe(1);
  });

  it('UPSTREAM-07 variant: a second 401 after the refresh → "re-authorization required"', async () => {
    await emu.control.failNext('catalog.subscriptions.list', { status: 401 }, 2);
    const r = await alice.call('list_services');
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/^Re-authorization required/);
    expect(alice.credentials.refreshes).toBe(1);
  });

  it('UPSTREAM-07 variant: the user revoked OSC access → refresh refused → re-authorization', async () => {
    const bob = await userSession(emu, 'bob');
    await emu.control.revokeUser('bob');
    const r = await bob.call('token_balance');
    expect(textOf(r)).toMatch(/^Re-authorization required.*\(reference [0-9a-f]{12}\)$/s);
  });

  it('a SAT refused with 401 is re-minted once; the PAT is not refreshed', async () => {
    expect((await alice.call('list_instances', { serviceId: 'minio-minio' })).isError).toBeFalsy();
    await emu.control.failNext('instances.list', {
      status: 401,
      body: '<html>401 Authorization Required</html>',
      contentType: 'text/html',
    });
    const { result, calls } = await countCalls(emu, () => alice.call('list_instances', { serviceId: 'minio-minio' }));
    expect(result.isError).toBeFalsy();
    expect(calls['token.servicetoken']).toBe(1);
    expect(calls['instances.list']).toBe(2);
    expect(alice.credentials.refreshes).toBe(0);
  });
});

describe('transient failures on reads (UPSTREAM-08)', () => {
  it('two 503s, then success on the third try', async () => {
    await alice.call('list_instances', { serviceId: 'minio-minio' });
    await emu.control.failNext('instances.list', { status: 503 }, 2);
    const { result, calls } = await countCalls(emu, () => alice.call('list_instances', { serviceId: 'minio-minio' }));
    expect(result.isError).toBeFalsy();
    expect(calls['instances.list']).toBe(3);
  });

  it('429 with Retry-After: 1 is honoured', async () => {
    await emu.control.failNext('money.plan', { status: 429, headers: { 'retry-after': '1' } });
    const started = Date.now();
    const r = await alice.call('token_balance');
    expect(r.isError).toBeFalsy();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('429 asking for longer than 2 s is not waited for; the model is told how long', async () => {
    await emu.control.failNext('money.plan', { status: 429, headers: { 'retry-after': '30' } });
    const { result, calls } = await countCalls(emu, () => alice.call('token_balance'));
    expect(textOf(result)).toContain('Wait 30 seconds');
    expect(calls['money.plan']).toBe(1);
  });

  it('persistent 503 → isError quickly, after three tries', async () => {
    await emu.control.failNext(
      'catalog.subscriptions.list',
      { status: 503, body: { reason: 'secret osc_pat_CANARY_0123456789abcdef0123' } },
      'always',
    );
    const started = Date.now();
    const { result, calls } = await countCalls(emu, () => alice.call('list_services'));
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^OSC failed to handle the request\. Try again/);
    expect(calls['catalog.subscriptions.list']).toBe(3);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('creates are never retried (UPSTREAM-09)', () => {
  it('502 → exactly one POST and "outcome unknown, check list_instances"', async () => {
    await emu.control.failNext('instances.create', { status: 502 });
    const { result, calls } = await countCalls(emu, () =>
      alice.call('create_instance', {
        serviceId: 'minio-minio',
        name: 'amb1',
        options: { RootUser: 'u', RootPassword: 'p' },
      }),
    );
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/outcome is unknown.*list_instances/s);
    expect(calls['instances.create']).toBe(1);
  });

  it('504 HTML that still created → one POST, unknown outcome, and list_instances shows it', async () => {
    await emu.control.failNext('instances.create', {
      status: 504,
      body: '<html>504 Gateway Time-out</html>',
      contentType: 'text/html',
      commit: true,
    });
    const { result, calls } = await countCalls(emu, () =>
      alice.call('create_instance', {
        serviceId: 'minio-minio',
        name: 'amb2',
        options: { RootUser: 'u', RootPassword: 'p' },
      }),
    );
    expect(textOf(result)).toContain('outcome is unknown');
    expect(textOf(result)).not.toContain('Gateway');
    expect(calls['instances.create']).toBe(1);
    const l = await alice.call('list_instances', { serviceId: 'minio-minio' });
    expect(JSON.stringify(l.structuredContent)).toContain('amb2');
  });

  it('a hung create → one POST, timeout at the call bound, unknown outcome', async () => {
    await emu.control.failNext('instances.create', { hang: true });
    const { result, calls } = await countCalls(emu, () =>
      alice.call(
        'create_instance',
        { serviceId: 'minio-minio', name: 'amb3', options: { RootUser: 'u', RootPassword: 'p' } },
        { callTimeoutMs: 500 },
      ),
    );
    expect(textOf(result)).toMatch(/did not answer in time, so the outcome is unknown/);
    expect(calls['instances.create']).toBe(1);
  });
});

describe('hangs, bad bodies, closed ports', () => {
  it('UPSTREAM-10: a hung read ends at the tool deadline, the socket is closed', async () => {
    await alice.call('list_instances', { serviceId: 'minio-minio' });
    const before = (await emu.control.stats()).hangsClosed;
    await emu.control.failNext('instances.list', { hang: true }, 'always');
    const started = Date.now();
    const r = await alice.call(
      'list_instances',
      { serviceId: 'minio-minio' },
      { callTimeoutMs: 400, deadlineMs: 3_000 },
    );
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('did not answer in time');
    expect(Date.now() - started).toBeLessThan(3_500);
    await new Promise((res) => setTimeout(res, 100));
    expect((await emu.control.stats()).hangsClosed).toBeGreaterThan(before);
  });

  it('UPSTREAM-10: a hung SDK call (catalog) is aborted too', async () => {
    const before = (await emu.control.stats()).hangsClosed;
    await emu.control.failNext('catalog.subscriptions.list', { hang: true }, 'always');
    const r = await alice.call('list_services', {}, { callTimeoutMs: 300, deadlineMs: 2_000 });
    expect(textOf(r)).toContain('did not answer in time');
    await new Promise((res) => setTimeout(res, 100));
    expect((await emu.control.stats()).hangsClosed).toBeGreaterThan(before);
  });

  it.each([
    [
      'HTML with status 200',
      { status: 200, body: '<html>hello osc_pat_CANARY_0123456789abcdef0123</html>', contentType: 'text/html' },
    ],
    ['JSON missing fields', { status: 200, body: { unexpected: true } }],
    ['50 MB', { status: 200, body: 'x', bodyRepeat: 50_000_000, contentType: 'application/json' }],
  ])('UPSTREAM-11: %s → "could not read", nothing forwarded', async (_label, fault) => {
    await alice.call('get_instance', { serviceId: 'minio-minio', name: 'amb2' });
    await emu.control.failNext('instances.get', fault);
    const r = await alice.call('get_instance', { serviceId: 'minio-minio', name: 'amb2' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/^OSC sent a response this server could not read/);
    expect(textOf(r)).not.toMatch(/hello|CANARY|xxxx/);
  });

  it('UPSTREAM-12: nothing listening → isError in under a second', async () => {
    installOscDispatcher({
      emulatorUrl: 'http://127.0.0.1:9',
      connectTimeoutMs: 500,
      headersTimeoutMs: 1_000,
      bodyTimeoutMs: 1_000,
    });
    try {
      const started = Date.now();
      const r = await alice.call('token_balance');
      expect(textOf(r)).toMatch(/^OSC could not be reached/);
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      installOscDispatcher({
        emulatorUrl: emu.url,
        connectTimeoutMs: 2_000,
        headersTimeoutMs: 5_000,
        bodyTimeoutMs: 5_000,
      });
    }
  });

  it('SECRETS-03: upstream bodies echoing tokens reach neither the result nor the log', async () => {
    const pat = await alice.credentials.accessToken();
    await emu.control.failNext(
      'money.plan',
      { status: 500, body: { msg: `bad token ${pat}`, headers: { authorization: `Bearer ${pat}` } } },
      'always',
    );
    const r = await alice.call('token_balance');
    expect(r.isError).toBe(true);
    const canaries = await emu.control.canaries();
    const haystack = JSON.stringify(r) + alice.logs.join('');
    for (const secret of canaries) expect(haystack).not.toContain(secret);
    expect(alice.logs.join('')).toContain('tool call failed');
  });
});
