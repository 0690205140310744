/**
 * The grant-backed OscCredentials a request's OSC adapter uses (docs/architecture.md, "The two OAuth legs"):
 * tools get a port built from it and never see a token.
 */
import type { OscCredentials } from './credentials.js';
import type { GrantRecord } from '../../storage/records.js';
import type { UpstreamRefresher } from './refresh.js';

/**
 * Credentials for one request. `grant` is the record the bearer check already read, so
 * the steady state costs no extra store round trip.
 */
export function grantCredentials(refresher: UpstreamRefresher, grant: GrantRecord): OscCredentials {
  let current = grant;
  return {
    grantId: grant.id,
    async accessToken() {
      const r = await refresher.ensureFresh(current);
      current = r.grant;
      return r.accessToken;
    },
    async forceRefresh(rejected) {
      const r = await refresher.replace(current.id, rejected);
      current = r.grant;
      return r.accessToken;
    },
    revoke() {
      return refresher.revoke(current.id, 'osc_rejected_fresh_token');
    },
  };
}
