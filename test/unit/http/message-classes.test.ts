/**
 * src/http/message-classes.ts: a server built with messageClasses hands the app requests and
 * responses that already have the app's prototypes (express's setPrototypeOf changes nothing),
 * and express works on them as on its own (req.app, req.get, req.query, res.status().json());
 * a server built without them is served as before.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { adoptPrototypes, type MessageClasses, messageClasses } from '../../../src/http/message-classes.js';

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

interface Seen {
  builtWithAppPrototypes?: boolean;
  keptByExpress?: boolean;
}

function appSeeing(seen: Seen, classes: MessageClasses): Express {
  const app = express();
  adoptPrototypes(app, classes);
  app.get('/x', (req, res) => {
    seen.keptByExpress = Object.getPrototypeOf(req) === app.request && Object.getPrototypeOf(res) === app.response;
    res.status(201).json({ sameApp: req.app === app && res.app === app, host: req.get('host'), q: req.query.q });
  });
  return app;
}
async function serve(app: Express, classes: MessageClasses | undefined, seen: Seen): Promise<string> {
  const server = classes ? createServer({ ...classes }) : createServer();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    seen.builtWithAppPrototypes =
      Object.getPrototypeOf(req) === app.request && Object.getPrototypeOf(res) === app.response;
    app(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('messageClasses and adoptPrototypes', () => {
  it('the server builds messages with the app’s prototypes, which express keeps and works on', async () => {
    const seen: Seen = {};
    const classes = messageClasses();
    const app = appSeeing(seen, classes);
    const url = await serve(app, classes, seen);
    const r = await fetch(`${url}/x?q=1`);
    expect(r.status).toBe(201);
    expect(await r.json()).toEqual({ sameApp: true, host: new URL(url).host, q: '1' });
    expect(seen).toEqual({ builtWithAppPrototypes: true, keptByExpress: true });
  });

  it('the prototypes keep express’s chain: express’s request and response, then node’s', () => {
    const app = express();
    const before = { request: Object.getPrototypeOf(app.request), response: Object.getPrototypeOf(app.response) };
    adoptPrototypes(app, messageClasses());
    expect(Object.getPrototypeOf(app.request)).toBe(before.request);
    expect(Object.getPrototypeOf(app.response)).toBe(before.response);
    expect(app.request.app).toBe(app);
    expect(app.response.app).toBe(app);
  });

  it('refuses classes that serve another app already', () => {
    const classes = messageClasses();
    adoptPrototypes(express(), classes);
    expect(() => adoptPrototypes(express(), classes)).toThrow(TypeError);
  });

  it('messages a server builds otherwise are served as before', async () => {
    const seen: Seen = {};
    const app = appSeeing(seen, messageClasses());
    const url = await serve(app, undefined, seen);
    const r = await fetch(`${url}/x?q=2`);
    expect(r.status).toBe(201);
    expect(await r.json()).toEqual({ sameApp: true, host: new URL(url).host, q: '2' });
    expect(seen).toEqual({ builtWithAppPrototypes: false, keptByExpress: true });
  });
});
