/**
 * Mounts a router on the paths of its own routes only, so a request to another path never
 * enters it (issue 18: cost per request). A router mounted with `app.use(router)` is entered
 * by every request that reaches it: it sets up its dispatch (closures, the request's routing
 * fields saved and restored), matches the path against each of its routes and leaves. With
 * the app's dozen routers, a request to /token or to an unknown path went through all those
 * before its own (measured in-process: /token answered with about a tenth less CPU, an
 * unknown path with about a fifth less).
 *
 * Mounted as a route (`app.all(paths, router)`), the router sees the request as before: the
 * path is not stripped (routes never strip it, `use` does), every method reaches it (so its
 * own automatic `OPTIONS` answer and `HEAD` by `GET` are as before), and a request on one of
 * its paths walks it exactly as before. A request on any other path only missed its routes.
 * So a router mounted here may hold no middleware of its own (`router.use(fn)`) but error
 * handlers, which only see its own routes' errors: a middleware would run for every path.
 */
import type { Router } from 'express';

interface Listed {
  listRoutes(): { path: string | RegExp }[];
  stack: { route?: unknown; handle: { length: number } }[];
}

/** `app.all(<the paths of router's routes>, router)`; throws for a router that cannot be mounted so. */
export function useOnOwnPaths(app: Pick<Router, 'all'>, router: Router): void {
  const r = router as unknown as Listed;
  if (r.stack.some((layer) => !layer.route && layer.handle.length !== 4))
    throw new TypeError('useOnOwnPaths: a router with middleware (or a router) of its own must be mounted with use()');
  const paths = [...new Set(r.listRoutes().map((route) => route.path))];
  if (paths.length === 0) throw new TypeError('useOnOwnPaths: the router has no routes');
  app.all(paths, router);
}
