/**
 * An MCP client's side of our OAuth flow, over plain HTTP with a cookie jar: register,
 * /authorize → our consent page → POST /consent → the emulator's sign-in and consent →
 * our /oauth/callback → the client's redirect URI with `code`, `state`, `iss`.
 */
import { pkcePair, approveAtEmulator } from './emulator.js';
import { send } from './http.js';

export const REDIRECT_URI = 'http://127.0.0.1:7777/cb';

/** A browser: follows nothing by itself, keeps cookies per origin. */
export class Browser {
  readonly cookies = new Map<string, string>();

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, i).trim(), pair!.slice(i + 1).trim());
    }
  }

  async get(url: string): Promise<Response> {
    const res = await send(url, {
      headers: this.cookies.size ? { cookie: this.cookieHeader() } : {},
    });
    this.keep(res);
    return res;
  }

  async post(url: string, form: URLSearchParams): Promise<Response> {
    const res = await send(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}),
      },
      body: form,
    });
    this.keep(res);
    return res;
  }
}

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
}

export async function registerClient(base: string, meta: Record<string, unknown> = {}): Promise<RegisteredClient> {
  const res = await send(`${base}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'Test Client',
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: 'none',
      ...meta,
    }),
  });
  if (res.status !== 201) throw new Error(`register → ${res.status} ${await res.text()}`);
  return (await res.json()) as RegisteredClient;
}

/** What a client asks for unless a test says otherwise: both scopes, as our 401 challenge names them. */
export const ALL_SCOPES = 'osc:read osc:write';

/** The scope checkboxes our consent page shows. */
export function shownScopes(html: string): string[] {
  return [...html.matchAll(/name="scope" value="([^"]+)"/g)].map((m) => m[1]!);
}

/** Hidden inputs of our consent page. */
export function consentFields(html: string): { pending: string; csrf: string } {
  const pending = /name="pending" value="([^"]+)"/.exec(html)?.[1];
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!pending || !csrf) throw new Error('not a consent page');
  return { pending, csrf };
}

export interface AuthorizeOptions {
  client: RegisteredClient;
  user?: string;
  /**
   * The request's `scope`. Default `osc:read osc:write`, what SDK clients take from our 401
   * challenge; `''` sends none (the read-only default, POLICY-05).
   */
  scope?: string;
  /** Scopes the user leaves checked on our consent page (default: all shown). */
  approveScopes?: string[];
  resource?: string;
  state?: string;
  decision?: 'approve' | 'deny';
  browser?: Browser;
  redirectUri?: string;
}

export interface AuthorizeResult {
  /** The final redirect to the client. */
  location: URL;
  code?: string;
  verifier: string;
  redirectUri: string;
}

export function authorizeUrl(
  base: string,
  p: { clientId: string; redirectUri: string; challenge: string; state?: string; scope?: string; resource?: string },
): string {
  const u = new URL(`${base}/authorize`);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('client_id', p.clientId);
  u.searchParams.set('redirect_uri', p.redirectUri);
  u.searchParams.set('code_challenge', p.challenge);
  u.searchParams.set('code_challenge_method', 'S256');
  u.searchParams.set('state', p.state ?? 'client-state-123');
  if (p.scope) u.searchParams.set('scope', p.scope);
  if (p.resource) u.searchParams.set('resource', p.resource);
  return u.toString();
}

/** Runs the browser part of the flow and returns the client's redirect. */
export async function authorize(base: string, o: AuthorizeOptions): Promise<AuthorizeResult> {
  const browser = o.browser ?? new Browser();
  const { verifier, challenge } = pkcePair();
  const redirectUri = o.redirectUri ?? o.client.redirect_uris[0]!;
  const page = await browser.get(
    authorizeUrl(base, {
      clientId: o.client.client_id,
      redirectUri,
      challenge,
      state: o.state,
      scope: o.scope ?? ALL_SCOPES,
      resource: o.resource,
    }),
  );
  if (page.status !== 200) throw new Error(`authorize → ${page.status}: ${await page.text()}`);
  const html = await page.text();
  const { pending, csrf } = consentFields(html);
  const form = new URLSearchParams({ pending, csrf, decision: o.decision ?? 'approve' });
  for (const s of o.approveScopes ?? shownScopes(html)) form.append('scope', s);
  const consent = await browser.post(`${base}/consent`, form);
  if (consent.status !== 303) throw new Error(`consent → ${consent.status}: ${await consent.text()}`);
  let location = new URL(consent.headers.get('location')!);
  if (o.decision !== 'deny') {
    const back = await approveAtEmulator(location.toString(), o.user ?? 'alice');
    const cb = await browser.get(back.toString());
    if (cb.status !== 303) throw new Error(`callback → ${cb.status}: ${await cb.text()}`);
    location = new URL(cb.headers.get('location')!);
  }
  return { location, code: location.searchParams.get('code') ?? undefined, verifier, redirectUri };
}

export async function tokenRequest(
  base: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await send(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  scope: string;
  token_type: string;
}

export function clientAuth(client: RegisteredClient): Record<string, string> {
  return client.client_secret
    ? { client_id: client.client_id, client_secret: client.client_secret }
    : { client_id: client.client_id };
}

export async function exchange(base: string, client: RegisteredClient, r: AuthorizeResult): Promise<Tokens> {
  const res = await tokenRequest(base, {
    grant_type: 'authorization_code',
    code: r.code!,
    code_verifier: r.verifier,
    redirect_uri: r.redirectUri,
    ...clientAuth(client),
  });
  if (res.status !== 200) throw new Error(`token → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as unknown as Tokens;
}

export async function refresh(
  base: string,
  client: RegisteredClient,
  refreshToken: string,
  extra: Record<string, string> = {},
) {
  return tokenRequest(base, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    ...clientAuth(client),
    ...extra,
  });
}

/** Register, authorize as `user`, exchange: a client holding our tokens. */
export async function connect(
  base: string,
  o: Partial<AuthorizeOptions> & { meta?: Record<string, unknown> } = {},
): Promise<{ client: RegisteredClient; tokens: Tokens }> {
  const client = o.client ?? (await registerClient(base, o.meta));
  const r = await authorize(base, { ...o, client });
  return { client, tokens: await exchange(base, client, r) };
}

/** A JSON-RPC POST to /mcp. */
export async function mcpPost(
  mcpUrl: string,
  accessToken: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(mcpUrl, {
    method: 'POST',
    ...(signal ? { signal } : {}),
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
