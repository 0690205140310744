/**
 * The /connections session: a signed-in OSC user, known only through OSC's own sign-in.
 * Cookie `__Host-`, Secure, HttpOnly, SameSite=Lax (MCP SBP "Consent Cookie Security");
 * the record lives 30 minutes in the store, so any replica serves it.
 */
import type { Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import type { RecordStore } from '../storage/store.js';
import type { SessionRecord } from '../storage/records.js';
import { hashSecret } from '../storage/hash.js';
import { readCookie } from '../oauth/browser-binding.js';
import { DEFAULTS } from '../defaults.js';

export const SESSION_COOKIE = '__Host-oscmcp-session';
export const SESSION_TTL_S = DEFAULTS.sessionTtlS;

export async function startSession(
  store: RecordStore,
  res: Response,
  who: { tenantId: string; userId: string },
  now: number,
): Promise<void> {
  const value = randomBytes(32).toString('base64url');
  const rec: SessionRecord = { ...who, csrfHash: '', createdAt: now };
  await store.put('session', hashSecret(value), rec, SESSION_TTL_S);
  res.append(
    'Set-Cookie',
    `${SESSION_COOKIE}=${value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${SESSION_TTL_S}`,
  );
}

export interface Session {
  id: string;
  record: SessionRecord;
}

export async function readSession(store: RecordStore, req: Request): Promise<Session | undefined> {
  const value = readCookie(req, SESSION_COOKIE);
  if (!value || !/^[A-Za-z0-9_-]{43}$/.test(value)) return undefined;
  const id = hashSecret(value);
  const record = await store.get('session', id);
  return record ? { id, record } : undefined;
}

/** A fresh CSRF token for the page's forms; its hash replaces the previous one. */
export async function issueCsrf(store: RecordStore, s: Session): Promise<string> {
  const csrf = randomBytes(32).toString('base64url');
  await store.put('session', s.id, { ...s.record, csrfHash: hashSecret(csrf) }, SESSION_TTL_S);
  return csrf;
}

export async function endSession(store: RecordStore, res: Response, s: Session): Promise<void> {
  await store.delete('session', s.id);
  res.append('Set-Cookie', `${SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0`);
}
