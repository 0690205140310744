/**
 * Prometheus metrics (prom-client): process defaults plus request counts and durations by
 * route and status. Route labels are the mounted path, never the raw URL (no ids or
 * secrets become label values).
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Prom from 'prom-client';

// The four parts used here, each from its own file of the package: its index also loads the
// Summary (and its t-digest), the Pushgateway and the cluster aggregator, 12 files and about
// 0.8 MiB of heap that stay live for the process's life (issue 18: RSS). Same classes.
const require = createRequire(import.meta.url);
const Registry: typeof Prom.Registry = require('prom-client/lib/registry.js');
const Counter: typeof Prom.Counter = require('prom-client/lib/counter.js');
const Histogram: typeof Prom.Histogram = require('prom-client/lib/histogram.js');
const collectDefaultMetrics: typeof Prom.collectDefaultMetrics = require('prom-client/lib/defaultMetrics.js');
type Registry = Prom.Registry;

/** Fixed-length digests, so the comparison takes the same time whatever was sent. */
const digest = (s: string) => createHash('sha256').update(s).digest();

export interface Metrics {
  registry: Registry;
  middleware(req: Request, res: Response, next: NextFunction): void;
  /** `/metrics`; with `token`, only for `Authorization: Bearer <token>` (FAULT-02). */
  router(opts?: { token?: string }): Router;
}

const KNOWN = new Set([
  '/mcp',
  '/token',
  '/register',
  '/authorize',
  '/consent',
  '/oauth/callback',
  '/revoke',
  '/connections',
  '/connections/revoke',
  '/connections/signout',
  '/healthz',
  '/readyz',
  '/metrics',
]);

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'oscmcp_http_requests_total',
    help: 'HTTP requests',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
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
    router({ token } = {}) {
      const r = express.Router();
      const expected = token === undefined ? undefined : digest(token);
      r.get('/metrics', async function metrics(req, res) {
        const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
        if (expected && !(given && timingSafeEqual(digest(given), expected))) {
          res.status(401).set('WWW-Authenticate', 'Bearer realm="metrics"').set('Cache-Control', 'no-store').end();
          return;
        }
        res.set('Content-Type', registry.contentType).send(await registry.metrics());
      });
      return r;
    },
  };
}
