/**
 * /authorize for a client we do not know (RFC 6749 §4.1.2.1: never redirect, the redirect
 * URI is unverified). The reason is logged; the person reads what to do; a client that asks
 * for JSON (`Accept` preferring application/json over text/html) gets `invalid_client` in
 * the OAuth error form, so it can drop a stale registration and register again: mcp-remote
 * probes /authorize this way before opening a browser with a cached client id
 * (punkpeye/mcp-remote#91).
 */
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { sendErrorPage } from '../http/page-headers.js';

export interface UnknownClient {
  clientId: string;
  /** Why there is no client, in words safe to log and to show. */
  reason: string;
  isMetadataUrl: boolean;
  log?: Logger;
}

/** True when the caller prefers a JSON answer to a page. */
export function wantsJson(req: Request): boolean {
  return req.accepts(['text/html', 'application/json']) === 'application/json';
}

/** What the person should do, in their words rather than ours. */
export function unknownClientAdvice(u: Pick<UnknownClient, 'reason' | 'isMetadataUrl'>): {
  title: string;
  message: string;
} {
  if (u.isMetadataUrl) {
    return {
      title: 'Application not recognised',
      message: `We could not use this application's published description: ${u.reason}. Try again in a few minutes; if it keeps failing, tell the application's maker this message, or add this server to the application again so it registers instead.`,
    };
  }
  return {
    title: 'Unknown application',
    message:
      'This application is not registered here, or its registration has expired. Remove this server from your application and add it again (or restart the application) so it registers anew.',
  };
}

export function refuseUnknownClient(req: Request, res: Response, u: UnknownClient): void {
  // A URL-shaped client id is public; a registered id is an identifier, not a secret.
  u.log?.info(
    { event: 'authorize_unknown_client', clientId: u.clientId.slice(0, 512), reason: u.reason },
    'authorization refused: unknown client',
  );
  if (wantsJson(req)) {
    res.status(400).set('Cache-Control', 'no-store').json({ error: 'invalid_client', error_description: u.reason });
    return;
  }
  const advice = unknownClientAdvice(u);
  sendErrorPage(res, 400, advice.title, advice.message);
}
