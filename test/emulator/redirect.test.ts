/**
 * EmulatorRedirect (src/osc/emulator-redirect.ts): which requests it rewrites, the Host it
 * sets for each header shape undici uses, and that Node's built-in fetch honours it.
 */
import { Agent, Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulatorRedirect, installEmulatorRedirect, withHost } from '../../src/osc/emulator-redirect.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';

class Recorder extends Dispatcher {
  seen: Dispatcher.DispatchOptions[] = [];
  override dispatch(opts: Dispatcher.DispatchOptions): boolean {
    this.seen.push(opts);
    return true;
  }
}

const handler = {} as Dispatcher.DispatchHandlers;
const hostOf = (h: Dispatcher.DispatchOptions['headers']): string[] => {
  const flat = h as string[];
  const out: string[] = [];
  for (let i = 0; i < flat.length; i += 2) if (flat[i]!.toLowerCase() === 'host') out.push(flat[i + 1]!);
  return out;
};

describe('EmulatorRedirect.dispatch', () => {
  it.each([
    ['https://catalog.svc.prod.osaas.io', 'catalog.svc.prod.osaas.io'],
    ['https://osaas.io', 'osaas.io'],
    ['https://app.emu.osaas.io:8443', 'app.emu.osaas.io:8443'],
    ['https://API-X.AUTO.EMU.OSAAS.IO', 'api-x.auto.emu.osaas.io'],
  ])('rewrites %s to the emulator with Host %s', (origin, host) => {
    const inner = new Recorder();
    new EmulatorRedirect('http://127.0.0.1:7777/ignored/path', inner).dispatch(
      { origin, path: '/x', method: 'GET', headers: { accept: 'a' } },
      handler,
    );
    expect(inner.seen[0]!.origin).toBe('http://127.0.0.1:7777');
    expect(hostOf(inner.seen[0]!.headers)).toEqual([host]);
    expect(inner.seen[0]!.path).toBe('/x');
  });

  it.each([
    'http://catalog.svc.prod.osaas.io',
    'https://osaas.io.evil.test',
    'https://notosaas.io',
    'https://example.com',
  ])('passes %s through unchanged', (origin) => {
    const inner = new Recorder();
    const opts = { origin, path: '/', method: 'GET' as const, headers: { a: 'b' } };
    new EmulatorRedirect('http://127.0.0.1:7777', inner).dispatch(opts, handler);
    expect(inner.seen[0]).toBe(opts);
  });

  it('handles object, pair-list, flat-list and iterable headers, replacing any host', () => {
    const expectHeaders = ['x-pat-jwt', 'Bearer t', 'accept', 'a', 'accept', 'b', 'host', 'h.osaas.io'];
    expect(withHost({ 'x-pat-jwt': 'Bearer t', host: 'old', accept: ['a', 'b'] }, 'h.osaas.io')).toEqual(expectHeaders);
    expect(
      withHost(
        [
          ['x-pat-jwt', 'Bearer t'],
          ['Host', 'old'],
          ['accept', ['a', 'b']],
        ] as never,
        'h.osaas.io',
      ),
    ).toEqual(expectHeaders);
    expect(withHost(['x-pat-jwt', 'Bearer t', 'HOST', 'old', 'accept', 'a', 'accept', 'b'], 'h.osaas.io')).toEqual(
      expectHeaders,
    );
    const iter = new Map<string, string | string[]>([
      ['x-pat-jwt', 'Bearer t'],
      ['accept', ['a', 'b']],
    ]);
    expect(withHost(iter, 'h.osaas.io')).toEqual(expectHeaders);
    expect(withHost(null, 'h.osaas.io')).toEqual(['host', 'h.osaas.io']);
  });

  it('rejects a non-http emulator URL', () => {
    expect(() => new EmulatorRedirect('ftp://x', new Recorder())).toThrow(TypeError);
  });
});

describe('installEmulatorRedirect with the built-in fetch', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
    installEmulatorRedirect(emu.url, new Agent());
  });
  afterAll(() => emu.close());

  it('sends https://*.osaas.io to the emulator with the original Host', async () => {
    const res = await fetch('https://money.svc.emu.osaas.io/mytenantplan?x=1');
    expect(res.status).toBe(401);
    const log = await emu.control.requests();
    expect(log.at(-1)).toEqual({ method: 'GET', host: 'money.svc.emu.osaas.io', path: '/mytenantplan', query: 'x=1' });
  });

  it('leaves other origins alone (the emulator URL itself still works)', async () => {
    const res = await fetch(`${emu.url}/__emulator/users`);
    expect(((await res.json()) as Array<{ id: string }>).map((u) => u.id)).toEqual(['alice', 'bob', 'carol']);
  });

  it('sends a POST body through', async () => {
    const res = await fetch('https://app.emu.osaas.io/api/connect/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['https://c.example/cb'] }),
    });
    expect(res.status).toBe(201);
  });
});
