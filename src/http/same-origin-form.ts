/**
 * Our own HTML forms (the consent decision, /connections' Disconnect and Sign out) accept a
 * POST only from our own pages (FLOOD-05). A cross-site "simple" request (a form on another
 * site, `text/plain` or multipart) never reaches the handler:
 *
 * - `Sec-Fetch-Site` (Fetch Metadata, sent by every current browser) must be `same-origin`
 *   (or `none`, a request the user made directly); `cross-site` and `same-site` are refused;
 * - without it (older browsers), an `Origin` other than ours is refused. `Origin: null` is
 *   let through: our pages send `Referrer-Policy: no-referrer`, and with that policy a
 *   browser sends `Origin: null` on its own form POSTs (Fetch §3.1, "append a request
 *   `Origin` header"), so refusing it would refuse ourselves; the CSRF token and the
 *   `__Host-` cookie still have to match;
 * - the body must be `application/x-www-form-urlencoded`, the only encoding our forms use.
 *
 * Refusals are our error page (403, 415). Non-browser callers that send none of these
 * headers are unaffected: the CSRF token is their check.
 */
import type { NextFunction, Request, Response } from 'express';
import { sendErrorPage } from './page-headers.js';

export function sameOriginForm(publicUrl: string) {
  const ours = new URL(publicUrl).origin;
  return function sameOriginFormGuard(req: Request, res: Response, next: NextFunction): void {
    const site = req.get('sec-fetch-site')?.toLowerCase();
    const origin = req.get('origin');
    const foreign =
      site !== undefined ? site !== 'same-origin' && site !== 'none' : !!origin && origin !== 'null' && origin !== ours;
    if (foreign)
      sendErrorPage(
        res,
        403,
        'Request refused',
        'This form was sent from another site. Open the page on this server and try again.',
      );
    else if (!req.is('application/x-www-form-urlencoded'))
      sendErrorPage(res, 415, 'Request refused', 'This form was not sent the way our page sends it.');
    else next();
  };
}
