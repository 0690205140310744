/**
 * Finding and authenticating our clients: dynamically registered ones in the store,
 * URL-shaped ids through their metadata documents (./cimd.ts). Client authentication at
 * /token and /revoke (RFC 6749 §2.3.1): `client_secret_basic`, `client_secret_post`,
 * `private_key_jwt` (RFC 7523 §2.2, ./client-auth.ts), or none for public clients. Secrets
 * are compared by hash, in constant time. A client uses exactly the method it registered:
 * one that declared keys cannot fall back to none.
 */
import type { Request } from 'express';
import type { TokenStore } from '../storage/store.js';
import type { ClientRecord } from '../storage/records.js';
import { hashSecret, timingSafeEqualStr } from '../storage/hash.js';
import { CimdError, type CimdResolver } from './cimd.js';
import { InvalidClientError, InvalidRequestError } from './errors.js';
import { CLIENT_ASSERTION_TYPE, assertionClientId, type AssertionVerifier } from './client-auth.js';

/** Unused registrations disappear after a day; a grant extends its client (OAUTH-07). */
export const UNUSED_CLIENT_TTL_S = 24 * 3600;

/** A client, or why there is none, in words safe to log and to show the person. */
export type ClientLookup = { client: ClientRecord } | { client?: undefined; refused: string };

export interface ClientDirectory {
  /** The client, or undefined when unknown, expired or its metadata document is unusable. */
  find(clientId: string): Promise<ClientRecord | undefined>;
  /** Like `find`, with the reason when there is no client. */
  lookup(clientId: string): Promise<ClientLookup>;
  /** Keeps a dynamically registered client alive as long as a grant uses it. */
  touch(client: ClientRecord, ttlS: number): Promise<void>;
  /** RFC 6749 §2.3.1 client authentication of a token or revocation request. */
  authenticate(req: Request): Promise<ClientRecord>;
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  try {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
    return {
      id: decodeURIComponent(decoded.slice(0, i).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(i + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return undefined;
  }
}

function single(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

export function createClientDirectory(
  store: TokenStore,
  cimd: CimdResolver,
  assertions?: AssertionVerifier,
): ClientDirectory {
  const lookup = async (clientId: string): Promise<ClientLookup> => {
    if (clientId.length > 512) return { refused: 'the client_id is longer than 512 characters' };
    if (cimd.isMetadataUrl(clientId)) {
      try {
        return { client: await cimd.resolve(clientId) };
      } catch (err) {
        if (err instanceof CimdError) return { refused: err.message };
        throw err;
      }
    }
    const client = await store.get('client', clientId);
    return client ? { client } : { refused: 'this client_id is not registered here, or its registration has expired' };
  };
  const find = async (clientId: string): Promise<ClientRecord | undefined> => (await lookup(clientId)).client;

  return {
    find,
    lookup,
    async touch(client, ttlS) {
      if (client.source === 'dcr') await store.put('client', client.clientId, client, ttlS);
    },
    async authenticate(req) {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const assertionType = single(body.client_assertion_type);
      const assertion = single(body.client_assertion);
      if (assertionType !== undefined || assertion !== undefined)
        return authenticateAssertion(body, req.headers.authorization, assertionType, assertion);
      const basic = basicCredentials(req.headers.authorization);
      if (req.headers.authorization && !basic) throw new InvalidClientError('unsupported client authentication');
      const bodyId = single(body.client_id);
      const bodySecret = single(body.client_secret);
      if (basic && bodyId && bodyId !== basic.id)
        throw new InvalidRequestError('client_id does not match the credentials');
      if (basic && bodySecret) throw new InvalidRequestError('use one client authentication method');
      const clientId = basic?.id ?? bodyId;
      if (!clientId) throw new InvalidClientError('client authentication required');
      const client = await known(clientId);
      if (client.tokenEndpointAuthMethod === 'private_key_jwt') {
        throw new InvalidClientError(
          'this client authenticates with a signed client assertion (private_key_jwt, RFC 7523)',
        );
      }
      const secret = basic?.secret ?? bodySecret;
      if (client.secretHash) {
        if (!secret || !timingSafeEqualStr(hashSecret(secret), client.secretHash))
          throw new InvalidClientError('client authentication failed');
      } else if (secret) {
        throw new InvalidClientError('this client is public and has no secret');
      }
      return client;
    },
  };

  async function known(clientId: string): Promise<ClientRecord> {
    const found = await lookup(clientId);
    if (!found.client) throw new InvalidClientError(`unknown client: ${found.refused}`);
    return found.client;
  }

  async function authenticateAssertion(
    body: Record<string, unknown>,
    authorization: string | undefined,
    type?: string,
    assertion?: string,
  ): Promise<ClientRecord> {
    // RFC 6749 §2.3: one method per request.
    if (authorization || body.client_secret !== undefined)
      throw new InvalidRequestError('use one client authentication method');
    if (type !== CLIENT_ASSERTION_TYPE)
      throw new InvalidClientError(`client_assertion_type must be ${CLIENT_ASSERTION_TYPE}`);
    if (!assertion) throw new InvalidClientError('client_assertion is required with client_assertion_type');
    const claimed = assertionClientId(assertion);
    if (!claimed)
      throw new InvalidClientError('the client assertion is malformed (it needs iss and sub equal to the client_id)');
    const bodyId = single(body.client_id);
    if (bodyId !== undefined && bodyId !== claimed)
      throw new InvalidClientError('client_id does not match the client assertion');
    const client = await known(claimed);
    if (client.tokenEndpointAuthMethod !== 'private_key_jwt' || !assertions) {
      throw new InvalidClientError(
        `this client registered token_endpoint_auth_method ${client.tokenEndpointAuthMethod}, not private_key_jwt`,
      );
    }
    await assertions.verify(client, assertion);
    return client;
  }
}
