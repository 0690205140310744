/** Loopback ports for tests that start servers of their own. */
import { createServer, type Server } from 'node:net';

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

/**
 * `n` distinct TCP ports free on 127.0.0.1 right now, none of them in `avoid`: all are held
 * open together before any is released, so two servers a test starts at once (a sandbox and
 * the emulator it starts) cannot be handed the same one, as two calls of freePort could.
 */
export async function freePorts(n: number, avoid: readonly number[] = []): Promise<number[]> {
  const held: Server[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < n) {
      const srv = createServer();
      held.push(srv);
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', resolve);
      });
      const port = (srv.address() as { port: number }).port;
      if (!avoid.includes(port)) ports.push(port);
    }
  } finally {
    await Promise.all(held.map((srv) => new Promise((resolve) => srv.close(resolve))));
  }
  return ports;
}
