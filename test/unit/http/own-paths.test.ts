/**
 * useOnOwnPaths (src/http/own-paths.ts): a router mounted on its own routes' paths answers
 * every request as the same router mounted with `use()` (statuses, bodies, automatic OPTIONS
 * and HEAD, parameters, a param that does not decode, its own error handler, what falls through
 * to the next layers), and is not entered for other paths. A router it cannot mount so is refused.
 */
import express, {
  type ErrorRequestHandler,
  type Express,
  type NextFunction,
  type Request,
  type Response,
  type Router,
} from 'express';
import { describe, expect, it } from 'vitest';
import { useOnOwnPaths } from '../../../src/http/own-paths.js';
import { inject } from '../../support/inject.js';

function sample(): Router {
  const r = express.Router();
  r.get('/a', (req, res) => void res.json({ path: req.path, baseUrl: req.baseUrl, url: req.url }));
  r.post(['/a', '/b'], express.json(), (req, res) => void res.json({ body: req.body }));
  r.get('/p/:id', (req, res) => void res.json({ id: req.params.id }));
  r.put('/boom', () => {
    throw Object.assign(new Error('boom'), { type: 'own' });
  });
  r.use('/boom', ((err, _req, res, next) => {
    if ((err as { type?: string }).type === 'own') return void res.status(418).send('own handler');
    next(err);
  }) as ErrorRequestHandler);
  return r;
}

function appWith(mount: (app: Express, router: Router) => void): Express {
  const app = express();
  app.use((_req, res, next) => {
    res.set('X-Before', '1');
    next();
  });
  mount(app, sample());
  app.get('/after', (_req, res) => void res.send('after'));
  app.use((_req, res) => void res.status(404).send('none'));
  app.use(
    ((err, _req, res, _next) =>
      void res.status((err as { status?: number }).status ?? 500).send('app handler')) as ErrorRequestHandler,
  );
  return app;
}

const REQUESTS: { method: string; url: string; headers?: Record<string, string>; body?: string }[] = [
  { method: 'GET', url: '/a' },
  { method: 'GET', url: '/a/?x=1' },
  { method: 'GET', url: '/A' },
  { method: 'HEAD', url: '/a' },
  { method: 'OPTIONS', url: '/a' },
  { method: 'OPTIONS', url: '/b' },
  { method: 'DELETE', url: '/a' },
  { method: 'POST', url: '/b', headers: { 'content-type': 'application/json' }, body: '{"k":1}' },
  { method: 'POST', url: '/b', headers: { 'content-type': 'application/json' }, body: '{' },
  { method: 'GET', url: '/p/x%20y' },
  { method: 'GET', url: '/p/%zz' },
  { method: 'GET', url: '/p' },
  { method: 'PUT', url: '/boom' },
  { method: 'GET', url: '/boom' },
  { method: 'GET', url: '/after' },
  { method: 'OPTIONS', url: '/after' },
  { method: 'GET', url: '/nowhere' },
  { method: 'GET', url: '/a/b' },
];

describe('useOnOwnPaths', () => {
  it.each(REQUESTS)('answers $method $url as the router mounted with use()', async (r) => {
    const [used, own] = await Promise.all([
      inject(appWith((app, router) => app.use(router)) as never, r),
      inject(appWith(useOnOwnPaths) as never, r),
    ]);
    expect(own).toEqual(used);
  });

  it('does not enter the router for another path', async () => {
    const entered: string[] = [];
    const app = appWith((app, router) => {
      // What the router runs on each request that enters it (router.handle, called by the router function).
      const r = router as unknown as { handle: (req: Request, res: Response, next: NextFunction) => void };
      const handle = r.handle.bind(router);
      r.handle = (req, res, next) => {
        entered.push(req.url);
        handle(req, res, next);
      };
      useOnOwnPaths(app, router);
    });
    for (const url of ['/after', '/nowhere', '/a', '/p/1'])
      expect((await inject(app as never, { method: 'GET', url })).status).not.toBe(500);
    expect(entered).toEqual(['/a', '/p/1']);
  });

  it('refuses a router with middleware of its own, a router inside, or no routes', () => {
    const withMiddleware = express.Router();
    withMiddleware.use((_req, _res, next) => next());
    withMiddleware.get('/a', (_req, res) => void res.end());
    const nested = express.Router();
    nested.use('/x', express.Router());
    for (const r of [withMiddleware, nested, express.Router()])
      expect(() => useOnOwnPaths(express(), r)).toThrow(TypeError);
  });
});
