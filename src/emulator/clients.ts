/**
 * OAuth clients of the emulated OSC: lookup with expiry (dynamically registered clients are
 * short-lived, `dcrClientTtlS`), redirect URI matching, and registration (RFC 7591).
 */
import { isLoopback } from './hosts.js';
import { alnum, hex, uuid } from './random.js';
import type { Client, EmulatorState } from './state.js';

/** A live client, or undefined when unknown or expired. */
export function liveClient(state: EmulatorState, clientId: string | undefined): Client | undefined {
  if (!clientId) return undefined;
  const c = state.clients.get(clientId);
  if (!c) return undefined;
  if (c.expiresAtS !== undefined && c.expiresAtS <= state.clock.nowS()) return undefined;
  return c;
}

/**
 * Exact string match, except that a loopback redirect may use any port (RFC 8252 §7.3;
 * the CLI listens on an ephemeral port, src/emulator/README.md).
 */
export function redirectMatches(client: Client, candidate: string): boolean {
  if (client.redirectUris.includes(candidate)) return true;
  let c: URL;
  try {
    c = new URL(candidate);
  } catch {
    return false;
  }
  if (c.protocol !== 'http:' || !isLoopback(c.hostname)) return false;
  return client.redirectUris.some((r) => {
    try {
      const u = new URL(r);
      return (
        u.protocol === c.protocol && u.hostname === c.hostname && u.pathname === c.pathname && u.search === c.search
      );
    } catch {
      return false;
    }
  });
}

/** Why a redirect URI cannot be registered, or undefined when it can. */
export function redirectUriProblem(uri: unknown): string | undefined {
  if (typeof uri !== 'string' || uri.length === 0 || uri.length > 2000) return 'must be a non-empty string';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s]/.test(uri)) return 'contains control characters or spaces';
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return 'must be an absolute URL';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'must use http or https';
  if (u.hash || uri.includes('#')) return 'must not contain a fragment';
  if (u.username || u.password) return 'must not contain credentials';
  if (u.hostname.includes('*')) return 'must not contain wildcards';
  return undefined;
}

export function registerDcrClient(
  state: EmulatorState,
  input: { name: string; redirectUris: string[]; authMethod: Client['authMethod']; grantTypes: string[] },
): Client {
  const now = state.clock.nowS();
  const client: Client = {
    clientId: uuid(),
    name: input.name,
    redirectUris: input.redirectUris,
    kind: 'dcr',
    authMethod: input.authMethod,
    grantTypes: input.grantTypes,
    issuedAtS: now,
    expiresAtS: now + state.options.dcrClientTtlS,
  };
  if (input.authMethod !== 'none') {
    client.secret = `osc_secret_${hex(32)}`;
    state.recordSecret('client_secret', client.secret);
  }
  state.clients.set(client.clientId, client);
  return client;
}

/** A console-style confidential client (src/emulator/README.md: `osc_<24>` / `osc_secret_<64 hex>`). */
export function registerConsoleClient(state: EmulatorState, name: string, redirectUris: string[]): Client {
  const client: Client = {
    clientId: `osc_${alnum(24)}`,
    secret: `osc_secret_${hex(32)}`,
    name,
    redirectUris,
    kind: 'console',
    authMethod: 'client_secret_post',
    grantTypes: ['authorization_code', 'refresh_token'],
    issuedAtS: state.clock.nowS(),
  };
  state.recordSecret('client_secret', client.secret as string);
  state.clients.set(client.clientId, client);
  return client;
}
