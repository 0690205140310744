/**
 * Finding and authenticating our clients: dynamically registered ones in the store,
 * URL-shaped ids through their metadata documents (./cimd.ts). Client authentication at
 * /token and /revoke (RFC 6749 §2.3.1): `client_secret_basic`, `client_secret_post`, or
 * none for public clients. Secrets are compared by hash, in constant time.
 */
import type { Request } from 'express';
import type { TokenStore } from '../grants/store.js';
import type { ClientRecord } from '../grants/records.js';
import { hashSecret, timingSafeEqualStr } from '../grants/hash.js';
import { CimdError, type CimdResolver } from './cimd.js';
import { InvalidClientError, InvalidRequestError } from './errors.js';

/** Unused registrations disappear after a day; a grant extends its client (T18). */
export const UNUSED_CLIENT_TTL_S = 24 * 3600;

export interface ClientDirectory {
  /** The client, or undefined when unknown, expired or its metadata document is unusable. */
  find(clientId: string): Promise<ClientRecord | undefined>;
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
    return { id: decodeURIComponent(decoded.slice(0, i).replace(/\+/g, ' ')), secret: decodeURIComponent(decoded.slice(i + 1).replace(/\+/g, ' ')) };
  } catch {
    return undefined;
  }
}

function single(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

export function createClientDirectory(store: TokenStore, cimd: CimdResolver): ClientDirectory {
  const find = async (clientId: string): Promise<ClientRecord | undefined> => {
    if (clientId.length > 512) return undefined;
    if (cimd.isMetadataUrl(clientId)) {
      try {
        return await cimd.resolve(clientId);
      } catch (err) {
        if (err instanceof CimdError) return undefined;
        throw err;
      }
    }
    return store.get('client', clientId);
  };

  return {
    find,
    async touch(client, ttlS) {
      if (client.source === 'dcr') await store.put('client', client.clientId, client, ttlS);
    },
    async authenticate(req) {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const basic = basicCredentials(req.headers.authorization);
      if (req.headers.authorization && !basic) throw new InvalidClientError('unsupported client authentication');
      const bodyId = single(body.client_id);
      const bodySecret = single(body.client_secret);
      if (basic && bodyId && bodyId !== basic.id) throw new InvalidRequestError('client_id does not match the credentials');
      if (basic && bodySecret) throw new InvalidRequestError('use one client authentication method');
      const clientId = basic?.id ?? bodyId;
      if (!clientId) throw new InvalidClientError('client authentication required');
      const client = await find(clientId);
      if (!client) throw new InvalidClientError('unknown client');
      const secret = basic?.secret ?? bodySecret;
      if (client.secretHash) {
        if (!secret || !timingSafeEqualStr(hashSecret(secret), client.secretHash)) throw new InvalidClientError('client authentication failed');
      } else if (secret) {
        throw new InvalidClientError('this client is public and has no secret');
      }
      return client;
    },
  };
}
