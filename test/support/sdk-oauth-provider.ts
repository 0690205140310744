/**
 * An OAuthClientProvider of the MCP SDK (1.32.2) written the way a CLI client writes one,
 * with the browser step done by fetch: our consent page (Approve, every scope shown) → the
 * emulator's OSC pages → our callback → the client's redirect URI.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { OAuthClientProvider, OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { Browser, consentFields } from './oauth-flow.js';
import { approveAtEmulator } from './emulator.js';

/**
 * Resolves once an access token saved at `savedAt` (Date.now() when the client got it) has
 * expired at a server issuing `ttlS`-second tokens: the server set its expiry `ttlS` after
 * issuing it, before the client had it, on the same clock (src/oauth/issue.ts, bearer.ts).
 * A test that needs an expired token waits this long and no longer.
 */
export async function tokenExpired(savedAt: number, ttlS: number): Promise<void> {
  const left = savedAt + ttlS * 1000 + 20 - Date.now();
  if (left > 0) await new Promise((r) => setTimeout(r, left));
}

/** An OAuthClientProvider the way a CLI client writes one, with the browser step done by fetch. */
export class HeadlessProvider implements OAuthClientProvider {
  info?: OAuthClientInformationMixed;
  saved: OAuthTokens[] = [];
  /** Date.now() at each saveTokens. */
  savedAt: number[] = [];
  verifier = '';
  discovery?: OAuthDiscoveryState;
  /** What the client's redirect URI received. */
  landing?: URL;
  /** Our consent page HTML, as the user saw it. */
  consentHtml = '';
  readonly stateValue = `sdk-state-${Math.random().toString(36).slice(2)}`;

  constructor(
    private readonly user: string,
    private readonly redirectUri: string,
  ) {}

  get redirectUrl(): string {
    return this.redirectUri;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'SDK e2e client',
      redirect_uris: [this.redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  state(): string {
    return this.stateValue;
  }
  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.info = info;
  }
  tokens(): OAuthTokens | undefined {
    return this.saved.at(-1);
  }
  saveTokens(tokens: OAuthTokens): void {
    this.saved.push(tokens);
    this.savedAt.push(Date.now());
  }
  /** Resolves once the last saved access token has expired (`ttlS`: the server's ACCESS_TOKEN_TTL_S). */
  accessTokenExpired(ttlS: number): Promise<void> {
    const at = this.savedAt.at(-1);
    if (at === undefined) throw new Error('no token saved yet');
    return tokenExpired(at, ttlS);
  }
  saveCodeVerifier(v: string): void {
    this.verifier = v;
  }
  codeVerifier(): string {
    return this.verifier;
  }
  saveDiscoveryState(s: OAuthDiscoveryState): void {
    this.discovery = s;
  }
  discoveryState(): OAuthDiscoveryState | undefined {
    return this.discovery;
  }

  /** The user agent: our consent page (Approve, every scope shown) → OSC → our callback → the redirect URI. */
  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    const browser = new Browser();
    const page = await browser.get(authorizationUrl.toString());
    this.consentHtml = await page.text();
    if (page.status !== 200)
      throw new Error(`our /authorize answered ${page.status}: ${this.consentHtml.slice(0, 300)}`);
    const { pending, csrf } = consentFields(this.consentHtml);
    const form = new URLSearchParams({ pending, csrf, decision: 'approve' });
    for (const m of this.consentHtml.matchAll(/name="scope" value="([^"]+)"/g)) form.append('scope', m[1]!);
    const consent = await browser.post(new URL('/consent', authorizationUrl).toString(), form);
    if (consent.status !== 303) throw new Error(`consent answered ${consent.status}`);
    const back = await approveAtEmulator(consent.headers.get('location')!, this.user);
    const cb = await browser.get(back.toString());
    if (cb.status !== 303) throw new Error(`our callback answered ${cb.status}: ${(await cb.text()).slice(0, 300)}`);
    this.landing = new URL(cb.headers.get('location')!);
  }
}

/**
 * The whole OAuth flow the way the SDK drives it: a first connect that must end in
 * UnauthorizedError (401 → discovery → registration → `provider`'s browser step), finishAuth
 * with the code the redirect URI received, then a connected client. The SDK's client modules
 * are imported here, when it connects: a file that only hands HeadlessProvider to another
 * client (the SDK v2 client, the agent libraries) does not load them.
 */
export async function connectWithOAuth(mcpUrl: string, provider: HeadlessProvider, name = 'e2e'): Promise<Client> {
  const [{ Client }, { StreamableHTTPClientTransport }, { UnauthorizedError }] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/client/auth.js'),
  ]);
  const first = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
  const refused = await new Client({ name, version: '1' }).connect(first).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(refused instanceof UnauthorizedError))
    throw new Error(`the first connect should need authorization, got ${String(refused)}`);
  await first.finishAuth(provider.landing!.searchParams.get('code')!);
  const client = new Client({ name, version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider }));
  return client;
}
