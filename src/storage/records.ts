/**
 * The records osc-mcp keeps. Every secret (our tokens, codes, client secrets) is stored
 * only as the SHA-256 of its value, which is also its id; OSC tokens only sealed
 * (see ./seal.ts). `docs/storage.md` shows each record with its key and TTL.
 */

/** A client of ours: registered dynamically (RFC 7591) or from a metadata document URL. */
export interface ClientRecord {
  clientId: string;
  /** SHA-256 (base64url) of the client secret; absent for public clients (`none`). */
  secretHash?: string;
  clientName?: string;
  clientUri?: string;
  redirectUris: string[];
  grantTypes: string[];
  responseTypes: string[];
  tokenEndpointAuthMethod: 'none' | 'client_secret_post' | 'client_secret_basic' | 'private_key_jwt';
  /** `private_key_jwt` (RFC 7523): where the client publishes its public keys, or the keys themselves. */
  jwksUri?: string;
  jwks?: { keys: Record<string, unknown>[] };
  /** The one JWS algorithm its assertions use, when the client named one. */
  tokenEndpointAuthSigningAlg?: string;
  scope?: string;
  applicationType?: 'web' | 'native';
  /** 'dcr' for dynamic registration, 'cimd' for a Client ID Metadata Document. */
  source: 'dcr' | 'cimd';
  /** Hash of the registration body, to deduplicate identical re-registrations. */
  fingerprint?: string;
  createdAt: number;
}

/** What a client asked for at /authorize, carried unchanged until our code is issued. */
export interface ClientRequest {
  clientId: string;
  /** Validated against the client's registration before it is stored. */
  redirectUri: string;
  /** The client's own `state`, returned as sent. */
  state?: string;
  codeChallenge: string;
  scopes: string[];
  resource: string;
  /** SHA-256 of the browser-binding cookie value. */
  browserHash: string;
}

/** An /authorize request waiting on our consent page. id = random, TTL 10 min. */
export interface PendingAuthorization extends ClientRequest {
  id: string;
  /** SHA-256 of the CSRF token printed in the form and bound to the __Host- cookie. */
  csrfHash: string;
  createdAt: number;
}

/** After consent: our round trip through OSC. id = SHA-256 of the `state` sent to OSC; TTL 10 min. */
export interface UpstreamAuthorization extends ClientRequest {
  pendingId: string;
  /** Our PKCE verifier toward OSC. Never in a URL or a log. */
  oscCodeVerifier: string;
  /** The OSC client id the authorization was started with. */
  oscClientId: string;
  /** How often OSC was re-entered after it refused an expired client (at most once). */
  restarts?: number;
  createdAt: number;
}

/** Refresh-token rotation state kept on the grant (OAuth 2.1 §4.3.1). */
export interface RefreshRotation {
  /** Hash of the newest refresh token. Using it rotates again, which ends `previous`'s grace. */
  current: string;
  /** Hash of the token `current` replaced, valid for a retry until `previousUntil` (epoch ms). */
  previous?: string;
  previousUntil?: number;
}

/** A user's consent for one client: who, what scopes, and the sealed OSC tokens. */
export interface GrantRecord {
  id: string;
  /** Incremented on every write; writes are compare-and-set on it (the fencing token). */
  version: number;
  clientId: string;
  scopes: string[];
  resource: string;
  tenantId: string;
  userId: string;
  createdAt: number;
  /** AES-256-GCM blob of the packed OSC pair (src/osc/lifecycle/tokens.ts); key id inside, grant id as AAD. */
  oscSealed: string;
  /** When the OSC access token expires (epoch ms). */
  oscExpiresAt: number;
  /** OSC access token lifetime as issued, to derive the refresh margin. */
  oscLifetimeMs: number;
  /** The OSC OAuth client the tokens were issued to; refreshes must use it. */
  oscClientId: string;
  /** Absent until the authorization code is redeemed. */
  refresh?: RefreshRotation;
  /**
   * Hash of the newest access token issued under the grant (absent on grants written before
   * it existed). When a write changes it, the store deletes every access record of the grant
   * but this one and the one it replaces (`casGrant`): at most two stay live per grant.
   */
  access?: string;
}

/** The key under which a user's grants are linked (one OSC user in one tenant). */
export function userKeyOf(g: Pick<GrantRecord, 'tenantId' | 'userId'>): string {
  return `${g.tenantId}:${g.userId}`;
}

/** Our authorization code. id = SHA-256(code); TTL ≤ 60 s. */
export interface CodeRecord {
  grantId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  resource: string;
  scopes: string[];
  createdAt: number;
}

/** Left behind when a code is redeemed, so a valid replay can revoke what it issued. */
export interface RedeemedCodeRecord {
  grantId: string;
  clientId: string;
  codeChallenge: string;
}

/** Our access token. id = SHA-256(token). */
export interface AccessTokenRecord {
  grantId: string;
  clientId: string;
  scopes: string[];
  resource: string;
  expiresAt: number;
}

/** Our refresh token. id = SHA-256(token). Rotation state lives on the grant. */
export interface RefreshTokenRecord {
  grantId: string;
  clientId: string;
}

/** The OSC OAuth client osc-mcp registered dynamically, shared by every replica. */
export interface OscClientRecord {
  clientId: string;
  /** Sealed (AAD = client id): we must present it to OSC, so it cannot be hashed. */
  clientSecretSealed?: string;
  redirectUri: string;
  registeredAt: number;
  /** When OSC stops accepting it (epoch ms); absent when it does not expire. */
  expiresAt?: number;
}

/** A browser signing in to /connections through OSC. id = SHA-256 of the `state` sent to OSC; TTL 10 min. */
export interface SignInRecord {
  browserHash: string;
  oscCodeVerifier: string;
  oscClientId: string;
  /**
   * Where the browser goes once signed in: absent = /connections; else one of our own
   * secret-page paths (src/secrets/router.ts checks it before it is stored and again after).
   */
  returnTo?: string;
  createdAt: number;
}

/** Who a link of ours is for: the grant that asked, its client and its OSC user. */
export interface LinkOwner {
  grantId: string;
  clientId: string;
  tenantId: string;
  userId: string;
}

/**
 * A set_secret link waiting for the person to type the value (src/secrets/entry.ts).
 * id = SHA-256 of the link's random part; TTL `secretEntryTtlS` (10 min); taken once when the
 * value is stored. Bound to the grant that asked (revoking it removes the record), its OSC
 * user and its client. Every field is bounded: ids, names matching their patterns, epoch ms.
 * It never holds a secret value.
 */
export interface SecretEntryRecord extends LinkOwner {
  serviceId: string;
  secretName: string;
  createdAt: number;
  expiresAt: number;
  /** Set by the page's GET for the signed-in owner: the session the form was shown to and its CSRF token's hash. */
  csrf?: { sessionId: string; hash: string };
}

/**
 * A create_database link to the connection details page (src/secrets/router.ts). id = SHA-256
 * of the link's random part; TTL `connectionViewTtlS` (1 day); read any number of times by the
 * signed-in owner. Bound to the grant (revoking it removes the record) and its OSC user. It holds
 * how to write the connection string and the NAME of the password's secret, never the password:
 * OSC does not give secret values back and we keep none.
 */
export interface ConnectionViewRecord extends LinkOwner {
  serviceId: string;
  name: string;
  secretName: string;
  template: { scheme: string; user: string; path: string; port?: number };
  createdAt: number;
  expiresAt: number;
}

/** A signed-in /connections session. id = SHA-256 of the session cookie; TTL 30 min. */
export interface SessionRecord {
  tenantId: string;
  userId: string;
  /** SHA-256 of the CSRF token printed in the page's forms. */
  csrfHash: string;
  createdAt: number;
}

/** Identical public registrations share one client: fingerprint → client id. */
export interface ClientAliasRecord {
  clientId: string;
}

/**
 * A client assertion already used (RFC 7523 §3 item 7, `jti` replay). id = SHA-256 of
 * client id and `jti`; lives until the assertion expires (plus clock skew).
 */
export interface AssertionRecord {
  clientId: string;
}

/**
 * An operator's block on one of our clients (`npm run admin -- suspend`). id = client id (a
 * DCR id or a metadata document URL). Its tokens are refused, its refreshes and code exchanges
 * fail, /authorize shows a blocked page; nothing is deleted, so `resume` undoes it.
 */
export interface SuspensionRecord {
  clientId: string;
  suspendedAt: number;
}

/** When a client last presented an access token; written at most once a minute per replica. id = client id. */
export interface ClientUseRecord {
  at: number;
}

export interface Records {
  client: ClientRecord;
  assertion: AssertionRecord;
  clientAlias: ClientAliasRecord;
  pending: PendingAuthorization;
  upstream: UpstreamAuthorization;
  grant: GrantRecord;
  code: CodeRecord;
  redeemed: RedeemedCodeRecord;
  access: AccessTokenRecord;
  refresh: RefreshTokenRecord;
  oscClient: OscClientRecord;
  signin: SignInRecord;
  session: SessionRecord;
  secretEntry: SecretEntryRecord;
  connectionView: ConnectionViewRecord;
  suspended: SuspensionRecord;
  clientUse: ClientUseRecord;
}

export type Kind = keyof Records;
export const KINDS: readonly Kind[] = [
  'client',
  'assertion',
  'clientAlias',
  'pending',
  'upstream',
  'grant',
  'code',
  'redeemed',
  'access',
  'refresh',
  'oscClient',
  'signin',
  'session',
  'secretEntry',
  'connectionView',
  'suspended',
  'clientUse',
] as const;
