/**
 * osc-mcp as an ordinary OAuth client of OSC (docs/architecture.md, "The two OAuth legs"; src/emulator/README.md).
 * Replies are parsed with zod; OSC's response text never leaves this file except as a
 * typed error whose message we wrote.
 */
import { z } from 'zod';
import { type Dispatcher, request } from 'undici';
import { bounded, NEVER } from './bounded.js';
import { OSC_EGRESS } from './egress.js';
import { readCapped } from './upstream-http.js';
import { DEFAULTS } from '../defaults.js';
import type { OscOAuthUrls } from './hosts.js';
import { OscInvalidClientError, OscInvalidGrantError, UpstreamUnavailableError } from '../errors.js';

const MAX_BODY = 64 * 1024;

export interface OscTokens {
  accessToken: string;
  refreshToken?: string;
  /** Seconds, as OSC sent it (3600 when absent, src/emulator/README.md). */
  expiresIn: number;
}

export interface OscClientCredentials {
  clientId: string;
  clientSecret?: string;
}

export interface OscRegistration extends OscClientCredentials {
  /** Epoch ms when OSC stops accepting it; undefined when it never expires. */
  expiresAt?: number;
}

const TokenReply = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().int().positive().optional(),
  refresh_token: z.string().min(1).optional(),
});

const RegistrationReply = z.object({
  client_id: z.string().min(1),
  client_secret: z.string().min(1).optional(),
  client_secret_expires_at: z.number().int().nonnegative().optional(),
});

const ErrorReply = z.object({ error: z.string() });

/** What every call to OSC's OAuth endpoints sends: a POST. */
interface OscPost {
  headers: Record<string, string>;
  body: string;
}

/**
 * One POST through OSC_EGRESS (no foreign host, a 3xx aborted; ./egress.ts) with undici's
 * `request`, as ./upstream-http.ts sends (about a third of fetch's CPU on Node 20), bounded
 * by `timeoutMs` with its timer cleared once the reply is read (./bounded.ts).
 */
async function call(url: string, post: OscPost, timeoutMs: number): Promise<{ status: number; json: unknown }> {
  return bounded(NEVER, timeoutMs, async (signal) => {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: 'POST',
        headers: post.headers,
        body: post.body,
        signal,
        dispatcher: OSC_EGRESS,
      });
    } catch (err) {
      throw new UpstreamUnavailableError('OSC could not be reached', { cause: err });
    }
    // At most MAX_BODY bytes are read (UPSTREAM-11): a longer reply is cancelled, not buffered whole.
    let text: string;
    let truncated: boolean;
    try {
      ({ text, truncated } = await readCapped(res.body, MAX_BODY, 'head'));
    } catch (err) {
      throw new UpstreamUnavailableError('OSC could not be reached', { cause: err });
    }
    if (truncated) throw new UpstreamUnavailableError('OSC sent an oversized reply');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, json };
  });
}

function classify(status: number, json: unknown): Error {
  const code = ErrorReply.safeParse(json).data?.error;
  if (code === 'invalid_grant') return new OscInvalidGrantError('OSC refused the grant');
  if (code === 'invalid_client' || status === 401) return new OscInvalidClientError('OSC does not accept our client');
  return new UpstreamUnavailableError(`OSC answered ${status}`);
}

function tokens(json: unknown): OscTokens {
  const parsed = TokenReply.safeParse(json);
  if (!parsed.success) throw new UpstreamUnavailableError('OSC sent an unexpected token reply');
  return {
    accessToken: parsed.data.access_token,
    refreshToken: parsed.data.refresh_token,
    expiresIn: parsed.data.expires_in ?? 3600,
  };
}

export interface OscOAuthClient {
  authorizeUrl(p: { client: OscClientCredentials; state: string; codeChallenge: string; redirectUri: string }): string;
  exchangeCode(p: {
    client: OscClientCredentials;
    code: string;
    codeVerifier: string;
    redirectUri: string;
  }): Promise<OscTokens>;
  refresh(p: { client: OscClientCredentials; refreshToken: string }): Promise<OscTokens>;
  register(p: { redirectUri: string; clientName: string }): Promise<OscRegistration>;
}

/** The OSC OAuth client over undici's request. */
/** Every OAuth call to OSC is bounded (UPSTREAM-10): `timeoutMs` defaults to src/defaults.ts. */
export function createOscOAuthClient(urls: OscOAuthUrls, opts: { timeoutMs?: number } = {}): OscOAuthClient {
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.oscOAuthTimeoutMs;
  const form = (client: OscClientCredentials, fields: Record<string, string>): OscPost => {
    const body = new URLSearchParams({ ...fields, client_id: client.clientId });
    // client_secret_post, as Eyevinn's own apps do (src/emulator/README.md); DCR clients may omit it.
    if (client.clientSecret) body.set('client_secret', client.clientSecret);
    return {
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: body.toString(),
    };
  };
  const tokenCall = async (post: OscPost): Promise<OscTokens> => {
    const { status, json } = await call(urls.token, post, timeoutMs);
    if (status >= 200 && status < 300) return tokens(json);
    throw classify(status, json);
  };
  return {
    authorizeUrl({ client, state, codeChallenge, redirectUri }) {
      const url = new URL(urls.browserAuthorize);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: client.clientId,
        redirect_uri: redirectUri,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
        state,
      }).toString();
      return url.toString();
    },
    exchangeCode({ client, code, codeVerifier, redirectUri }) {
      return tokenCall(
        form(client, {
          grant_type: 'authorization_code',
          code,
          code_verifier: codeVerifier,
          redirect_uri: redirectUri,
        }),
      );
    },
    refresh({ client, refreshToken }) {
      return tokenCall(form(client, { grant_type: 'refresh_token', refresh_token: refreshToken }));
    },
    async register({ redirectUri, clientName }) {
      const { status, json } = await call(
        urls.register,
        {
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          // The request Eyevinn's apps send (src/emulator/README.md).
          body: JSON.stringify({
            client_name: clientName,
            redirect_uris: [redirectUri],
            grant_types: ['authorization_code', 'refresh_token'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_post',
          }),
        },
        timeoutMs,
      );
      if (status < 200 || status >= 300) throw new UpstreamUnavailableError(`OSC registration answered ${status}`);
      const parsed = RegistrationReply.safeParse(json);
      if (!parsed.success) throw new UpstreamUnavailableError('OSC sent an unexpected registration reply');
      const exp = parsed.data.client_secret_expires_at;
      return {
        clientId: parsed.data.client_id,
        clientSecret: parsed.data.client_secret,
        // RFC 7591 §3.2.1: 0 means it does not expire.
        expiresAt: exp ? exp * 1000 : undefined,
      };
    },
  };
}
