/**
 * An operator's suspension of a client (src/admin/operator.ts writes it; docs/operations.md):
 * read by the bearer check (next to the grant read, so no extra round trip), by the token
 * endpoint (its refreshes and code exchanges fail with `invalid_grant`, RFC 6749 §5.2: the
 * grant may not be used, so the client starts a new authorization) and by /authorize (a page
 * telling the person the application was blocked). And the client's last use, recorded cheaply.
 */
import type { Response } from 'express';
import type { TokenStore } from '../storage/store.js';
import { sendErrorPage } from '../http/page-headers.js';
import { InvalidGrantError } from './errors.js';

export const BLOCKED_DESCRIPTION = 'the application was blocked by the operator of this server';

export async function isSuspended(store: Pick<TokenStore, 'get'>, clientId: string): Promise<boolean> {
  return (await store.get('suspended', clientId)) !== undefined;
}

/** For the token endpoint: a suspended client gets `invalid_grant`. */
export async function refuseSuspended(store: Pick<TokenStore, 'get'>, clientId: string): Promise<void> {
  if (await isSuspended(store, clientId)) throw new InvalidGrantError(BLOCKED_DESCRIPTION);
}

export function sendBlockedPage(res: Response): void {
  sendErrorPage(
    res,
    403,
    'Application blocked',
    'The operator of this server has blocked this application, so it cannot connect to your OSC workspace. Nothing was shared with it. If you think this is a mistake, contact the operator.',
  );
}

/** How often a client's last use is written, at most, by one process. */
export const CLIENT_USE_INTERVAL_MS = 60_000;
/** A use record outlives the client's longest refresh token by nothing: 30 days. */
export const CLIENT_USE_TTL_S = 30 * 24 * 3600;
/** Clients remembered per process before the memory of last writes starts over. */
const MAX_TRACKED = 10_000;

/**
 * Records when a client last presented an access token: one write per client per minute per
 * process, fire-and-forget (a lost write only makes "last use" a minute older), no read.
 */
export function clientUseRecorder(
  store: Pick<TokenStore, 'put'>,
  now: () => number = Date.now,
): (clientId: string) => void {
  const written = new Map<string, number>();
  return function recordUse(clientId: string): void {
    const t = now();
    const last = written.get(clientId);
    if (last !== undefined && t - last < CLIENT_USE_INTERVAL_MS) return;
    if (written.size >= MAX_TRACKED) written.clear();
    written.set(clientId, t);
    store.put('clientUse', clientId, { at: t }, CLIENT_USE_TTL_S).catch(() => written.delete(clientId));
  };
}
