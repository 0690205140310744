/**
 * A re-authorization that widens a connection replaces the narrower one it grew out of.
 *
 * After a 403 `insufficient_scope` (MCP 2025-11-25 authorization "Scope Challenge
 * Handling") the client sends the same person through /authorize again for more scopes.
 * Without this, the old grant (its refresh token still valid for 30 days) stays behind in
 * /connections and in the store. The rule is narrow on purpose: only grants of the SAME
 * client and the SAME OSC user whose scopes the new grant strictly contains are replaced.
 * A second process of the same client authorizing the same scopes keeps its own grant —
 * revoking every other grant of a user and client signed other processes out
 * (docs/architecture.md, "The two OAuth legs"; sentry-mcp's `revokeExistingGrants: false`).
 */
import type { Logger } from 'pino';
import type { GrantRecord } from '../storage/records.js';
import { userKeyOf } from '../storage/records.js';
import type { TokenStore } from '../storage/store.js';

/** Whether `older` is a narrower grant of the same client and user that `newer` replaces. */
export function supersedes(
  newer: Pick<GrantRecord, 'id' | 'clientId' | 'tenantId' | 'userId' | 'scopes'>,
  older: Pick<GrantRecord, 'id' | 'clientId' | 'tenantId' | 'userId' | 'scopes'>,
): boolean {
  if (older.id === newer.id || older.clientId !== newer.clientId) return false;
  if (userKeyOf(older) !== userKeyOf(newer)) return false;
  return older.scopes.every((s) => newer.scopes.includes(s)) && newer.scopes.length > older.scopes.length;
}

/** Revokes the grants `grant` supersedes; returns their ids. */
export async function replaceSupersededGrants(store: TokenStore, grant: GrantRecord, log: Logger): Promise<string[]> {
  const ids = (await store.userGrants(userKeyOf(grant))).filter((id) => id !== grant.id);
  const replaced: string[] = [];
  for (const id of ids) {
    const older = await store.get('grant', id);
    if (!older || !supersedes(grant, older)) continue;
    await store.revokeGrant(id);
    replaced.push(id);
    log.info(
      { event: 'grant_replaced', grantId: id, by: grant.id, clientId: grant.clientId, scopes: grant.scopes },
      'a wider re-authorization replaced the narrower grant',
    );
  }
  return replaced;
}
