/**
 * Prometheus metrics (prom-client): process defaults plus request counts and durations by
 * route and status. Route labels are the mounted path, never the raw URL (no ids or
 * secrets become label values).
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  middleware(req: Request, res: Response, next: NextFunction): void;
  router(): Router;
}

const KNOWN = new Set(['/mcp', '/token', '/register', '/authorize', '/consent', '/oauth/callback', '/revoke', '/connections', '/connections/revoke', '/connections/signout', '/healthz', '/readyz', '/metrics']);

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'oscmcp_http_requests_total', help: 'HTTP requests', labelNames: ['route', 'method', 'status'], registers: [registry] });
  const duration = new Histogram({
    name: 'oscmcp_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['route', 'method'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    registers: [registry],
  });
  return {
    registry,
    middleware(req, res, next) {
      const end = duration.startTimer();
      res.on('finish', () => {
        const route = KNOWN.has(req.path) ? req.path : req.path.startsWith('/.well-known/') ? '/.well-known' : 'other';
        requests.inc({ route, method: req.method, status: String(res.statusCode) });
        end({ route, method: req.method });
      });
      next();
    },
    router() {
      const r = express.Router();
      r.get('/metrics', async function metrics(_req, res) {
        res.set('Content-Type', registry.contentType).send(await registry.metrics());
      });
      return r;
    },
  };
}
