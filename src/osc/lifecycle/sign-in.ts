/**
 * A browser's trip through OSC's sign-in, shared by the MCP authorization (consent → OSC →
 * callback) and the /connections page (docs/architecture.md, "The two OAuth legs"):
 * our own PKCE pair and `state` toward OSC (OAUTH-18), and the code exchange with the very
 * client the sign-in started with. The caller keeps its own record under `stateHash` (a
 * `upstream` or a `signin` record), so each flow stores exactly what it needs.
 */
import { randomBytes } from 'node:crypto';
import { OscInvalidClientError } from '../../errors.js';
import { hashSecret } from '../../storage/hash.js';
import type { OscClientCredentials, OscOAuthClient, OscTokens } from '../oauth-client.js';
import type { OscClientProvider } from './client-registration.js';
import { patClaims } from './tokens.js';

export interface OscSignInDeps {
  oscOAuth: OscOAuthClient;
  oscClients: OscClientProvider;
  /** Our redirect URI at OSC (`<PUBLIC_URL>/oauth/callback`). */
  callbackUrl: string;
}

/** What the caller stores to finish the sign-in, and where to send the browser. */
export interface StartedSignIn {
  /** SHA-256 of the `state` sent to OSC: the id of the caller's record. */
  stateHash: string;
  /** Our PKCE verifier toward OSC. Never in a URL or a log. */
  oscCodeVerifier: string;
  oscClientId: string;
  /** OSC's authorize URL for the browser. */
  url: string;
}

/** A PKCE S256 pair for our leg toward OSC (RFC 7636 §4.1, §4.2): 32 random octets, base64url. */
export function newPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: hashSecret(verifier) };
}

/** Starts a sign-in with `client`, or with the current OSC client when none is given. */
export async function startOscSignIn(deps: OscSignInDeps, client?: OscClientCredentials): Promise<StartedSignIn> {
  const oscClient = client ?? (await deps.oscClients.current());
  const pkce = newPkcePair();
  const state = randomBytes(32).toString('base64url');
  return {
    stateHash: hashSecret(state),
    oscCodeVerifier: pkce.verifier,
    oscClientId: oscClient.clientId,
    url: deps.oscOAuth.authorizeUrl({
      client: oscClient,
      state,
      codeChallenge: pkce.challenge,
      redirectUri: deps.callbackUrl,
    }),
  };
}

/**
 * Exchanges OSC's code. `client_gone`: the client the sign-in started with no longer exists
 * or OSC no longer accepts it (a short-lived dynamic registration), so the caller may start
 * again with a new one. OSC refusing the code itself throws OscInvalidGrantError.
 */
export async function finishOscSignIn(
  deps: OscSignInDeps,
  started: Pick<StartedSignIn, 'oscClientId' | 'oscCodeVerifier'>,
  code: string,
): Promise<OscTokens | 'client_gone'> {
  const client = await deps.oscClients.byId(started.oscClientId);
  if (!client) return 'client_gone';
  try {
    return await deps.oscOAuth.exchangeCode({
      client,
      code,
      codeVerifier: started.oscCodeVerifier,
      redirectUri: deps.callbackUrl,
    });
  } catch (err) {
    if (err instanceof OscInvalidClientError) return 'client_gone';
    throw err;
  }
}

/** Who signed in: OSC's tenant and user, or undefined when the token carries no tenant. */
export function signedInUser(tokens: OscTokens): { tenantId: string; userId: string } | undefined {
  const claims = patClaims(tokens.accessToken);
  if (!claims.tenantId) return undefined;
  return { tenantId: claims.tenantId, userId: claims.userId ?? claims.tenantId };
}
