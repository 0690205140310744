/**
 * Liveness and readiness. `/healthz` answers while the process serves HTTP; `/readyz`
 * reflects the store, so a load balancer stops sending traffic to a replica whose Redis
 * is gone (docs/architecture.md, "Storage").
 */
import express, { type Router } from 'express';
import { setRetryAfter } from './unavailable.js';

/** `ping` resolves when the store answers (the store port's `ping`). */
export function healthRouter(ping: () => Promise<void>): Router {
  const router = express.Router();
  router.get('/healthz', function healthz(_req, res) {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async function readyz(_req, res) {
    res.set('Cache-Control', 'no-store');
    try {
      await ping();
      res.json({ status: 'ready', store: 'ok' });
    } catch {
      setRetryAfter(res);
      res.status(503).json({ status: 'unavailable', store: 'down' });
    }
  });
  return router;
}
