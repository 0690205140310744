/**
 * lazyHandler (issue 18, cold start): the module behind a route loads once, with the first
 * request that reaches it; requests arriving during the load wait for it; a failed load
 * goes to the error handler and the next request tries again. On a real Express app.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { lazyHandler } from '../../../src/http/lazy.js';

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

async function serve(handler: RequestHandler): Promise<string> {
  const app = express();
  app.get('/healthz', (_req, res) => void res.send('ok'));
  app.all('/x', handler);
  app.use(((err, _req, res, _next) => void res.status(500).send(String(err.message))) as express.ErrorRequestHandler);
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('lazyHandler', () => {
  it('loads nothing until its route is asked, then once for concurrent and later requests', async () => {
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const url = await serve(
      lazyHandler(async () => {
        loads++;
        await gate;
        return (req, res) => void res.send(`loaded ${req.method} ${req.path}`);
      }),
    );
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(loads).toBe(0);
    const first = [fetch(`${url}/x`), fetch(`${url}/x`, { method: 'POST' })];
    release();
    expect(await Promise.all(first.map(async (r) => (await r).text()))).toEqual(['loaded GET /x', 'loaded POST /x']);
    expect(await (await fetch(`${url}/x`)).text()).toBe('loaded GET /x');
    expect(loads).toBe(1);
  });

  it('answers a failed load through the error handler and loads again on the next request', async () => {
    let loads = 0;
    const url = await serve(
      lazyHandler(async () => {
        if (++loads === 1) throw new Error('module failed');
        return (_req, res) => void res.send('second time');
      }),
    );
    const failed = await fetch(`${url}/x`);
    expect([failed.status, await failed.text()]).toEqual([500, 'module failed']);
    expect(await (await fetch(`${url}/x`)).text()).toBe('second time');
    expect(loads).toBe(2);
  });
});
