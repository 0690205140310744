/**
 * What the OAuth endpoints that take a form share: the body parser (a small
 * application/x-www-form-urlencoded body, RFC 6749 §3.2) and the no-cache headers every
 * token and revocation response carries (RFC 6749 §5.1).
 */
import express, { type Response } from 'express';

export const oauthForm = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });

export function noStore(res: Response): Response {
  return res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
}
