// Graceful drain (main.ts on SIGTERM calls close({ drainMs })): a request in flight when
// shutdown starts is answered, new connections are refused, and a request that outlives
// the drain is cut so the process can exit before a container runtime's SIGKILL.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startServer, type RunningServer } from '../../src/server.js';

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function boot(): Promise<RunningServer> {
  running = await startServer(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
    createLogger({ level: 'silent' }),
  );
  return running;
}

const BODY = JSON.stringify({
  redirect_uris: ['http://127.0.0.1:4711/callback'],
  client_name: 'drain test',
  token_endpoint_auth_method: 'none',
});

/** POST /register whose body arrives in two halves: between them the request is in flight. */
function slowRegister(url: string) {
  const req = request(`${url}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) },
  });
  const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
  });
  req.write(BODY.slice(0, 20));
  return { answered, finish: () => req.end(BODY.slice(20)) };
}

describe('shutdown drains requests in flight', () => {
  it('a request in flight when close() starts is answered; a new connection is refused; close resolves after it', async () => {
    const srv = await boot();
    const inFlight = slowRegister(srv.localUrl);
    await new Promise((r) => setTimeout(r, 100));
    let closed = false;
    const closing = srv.close({ drainMs: 10_000 }).then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 100));
    await expect(fetch(`${srv.localUrl}/healthz`)).rejects.toThrow();
    expect(closed).toBe(false);
    inFlight.finish();
    const res = await inFlight.answered;
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body)).toMatchObject({ client_name: 'drain test' });
    const t0 = Date.now();
    await closing;
    expect(Date.now() - t0).toBeLessThan(2_000);
    running = undefined;
  });

  it('a request that outlives the drain is cut when it ends, and close resolves', async () => {
    const srv = await boot();
    const inFlight = slowRegister(srv.localUrl);
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await srv.close({ drainMs: 200 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect(Date.now() - t0).toBeLessThan(2_000);
    await expect(inFlight.answered).rejects.toThrow();
    running = undefined;
  });
});
