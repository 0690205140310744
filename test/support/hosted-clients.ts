/**
 * What hosted and desktop MCP clients send us, as their makers publish it or as it was
 * captured from them: registration bodies (RFC 7591) and Client ID Metadata Documents.
 * Field for field as published; only the document's own URL (`client_id`, and ChatGPT's
 * `jwks_uri`) is moved to a loopback server of the test, since the suite runs offline.
 * Each entry cites where its shape comes from.
 */

export interface HostedClient {
  /** Product name, as the README matrix lists it. */
  name: string;
  /** How it identifies itself to us. */
  kind: 'cimd' | 'dcr';
  /** For CIMD: the document's path on the loopback document server. */
  path?: string;
  /** The document (CIMD) or registration body (DCR); `client_id`/`jwks_uri` placeholders are filled in. */
  body: (base: string) => Record<string, unknown>;
  /** The redirect URI it asks to be answered at. */
  redirectUri: string;
  /** It signs client assertions (private_key_jwt) with this algorithm. */
  assertionAlg?: 'RS256';
  source: string;
}

export const HOSTED_CLIENTS: readonly HostedClient[] = [
  {
    name: 'claude.ai (web, Desktop, mobile)',
    kind: 'cimd',
    path: '/oauth/mcp-oauth-client-metadata',
    // Declares the JWT-bearer grant (enterprise-managed authorization), which we do not offer.
    // Source: https://github.com/keycloak/keycloak/issues/50362 and
    // https://github.com/sebadob/rauthy/issues/1644 (the document as claude.ai serves it).
    body: (base) => ({
      client_id: `${base}/oauth/mcp-oauth-client-metadata`,
      client_name: 'Claude',
      client_uri: 'https://claude.ai',
      redirect_uris: ['https://claude.ai/api/mcp/auth_callback'],
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }),
    redirectUri: 'https://claude.ai/api/mcp/auth_callback',
    source: 'https://github.com/keycloak/keycloak/issues/50362',
  },
  {
    name: 'claude.ai (dynamic registration fallback)',
    kind: 'dcr',
    // claude.ai falls back to DCR when CIMD preconditions are missing and then asks for
    // client_secret_post: https://github.com/anthropics/claude-ai-mcp/issues/1043;
    // callback: https://claude.com/docs/connectors/building/authentication
    body: () => ({
      client_name: 'Claude',
      redirect_uris: ['https://claude.ai/api/mcp/auth_callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    }),
    redirectUri: 'https://claude.ai/api/mcp/auth_callback',
    source: 'https://github.com/anthropics/claude-ai-mcp/issues/1043',
  },
  {
    name: 'Claude Code',
    kind: 'cimd',
    path: '/oauth/claude-code-client-metadata',
    // Portless loopback redirect URIs: the port is chosen at run time (RFC 8252 §7.3).
    // Source: https://github.com/anthropics/claude-code/issues/37747 (the document and its
    // portless redirect URIs); https://code.claude.com/docs/en/mcp
    body: (base) => ({
      client_id: `${base}/oauth/claude-code-client-metadata`,
      client_name: 'Claude Code',
      client_uri: 'https://claude.ai',
      redirect_uris: ['http://localhost/callback', 'http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }),
    redirectUri: 'http://localhost:54545/callback',
    source: 'https://github.com/anthropics/claude-code/issues/37747',
  },
  {
    name: 'Cursor',
    kind: 'dcr',
    // Three redirect URIs at once; docs: https://cursor.com/docs/context/mcp ("Web and Cursor
    // Agents: https://www.cursor.com/agents/mcp/oauth/callback; Desktop app:
    // http://localhost:8787/callback"), plus the legacy private-use scheme.
    body: () => ({
      client_name: 'Cursor',
      redirect_uris: [
        'cursor://anysphere.cursor-mcp/oauth/callback',
        'https://www.cursor.com/agents/mcp/oauth/callback',
        'http://localhost:8787/callback',
      ],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }),
    redirectUri: 'http://localhost:8787/callback',
    source: 'https://cursor.com/docs/context/mcp',
  },
  {
    name: 'VS Code (metadata document)',
    kind: 'cimd',
    path: '/oauth/client-metadata.json',
    // Declares the device-code grant. Source: https://github.com/microsoft/vscode/issues/298300
    // (the document at https://vscode.dev/oauth/client-metadata.json) and
    // https://github.com/microsoft/vscode/pull/271403 (VS Code uses CIMD when offered).
    body: (base) => ({
      client_name: 'Visual Studio Code',
      logo_uri: 'https://code.visualstudio.com/assets/branding/code-stable.png',
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
      client_id: `${base}/oauth/client-metadata.json`,
      client_uri: 'https://vscode.dev/product',
      redirect_uris: ['http://127.0.0.1:33418/', 'https://vscode.dev/redirect'],
    }),
    // Port 33418 busy → a random port (microsoft/vscode#278512).
    redirectUri: 'http://127.0.0.1:41234/',
    source: 'https://github.com/microsoft/vscode/issues/298300',
  },
  {
    name: 'VS Code (current dynamic registration)',
    kind: 'dcr',
    // Source: https://github.com/microsoft/vscode/pull/256288 (redirect URIs of its DCR) and
    // https://github.com/zeptonow/mcp/issues/39 (http://127.0.0.1:33418, https://vscode.dev/redirect).
    body: () => ({
      client_name: 'Visual Studio Code',
      client_uri: 'https://code.visualstudio.com',
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1:33418/', 'https://vscode.dev/redirect'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
    }),
    redirectUri: 'http://127.0.0.1:33418/',
    source: 'https://github.com/microsoft/vscode/pull/256288',
  },
  {
    name: 'VS Code (older, six redirect URIs)',
    kind: 'dcr',
    // The body captured from VS Code: https://github.com/PrefectHQ/fastmcp/issues/1868
    body: () => ({
      client_name: 'Visual Studio Code',
      client_uri: 'https://code.visualstudio.com',
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      response_types: ['code'],
      redirect_uris: [
        'https://insiders.vscode.dev/redirect',
        'https://vscode.dev/redirect',
        'http://localhost/',
        'http://127.0.0.1/',
        'http://localhost:33418/',
        'http://127.0.0.1:33418/',
      ],
      scope: 'read:data',
      token_endpoint_auth_method: 'none',
      application_type: 'native',
    }),
    redirectUri: 'http://127.0.0.1:33418/',
    source: 'https://github.com/PrefectHQ/fastmcp/issues/1868',
  },
  {
    name: 'ChatGPT',
    kind: 'cimd',
    path: '/oauth/client.json',
    // private_key_jwt with RS256 and a jwks_uri. Source:
    // https://github.com/django-oauth/django-oauth-toolkit/issues/1845 (ChatGPT's document) and
    // https://developers.openai.com/apps-sdk/build/auth (ChatGPT supports CIMD).
    body: (base) => ({
      client_id: `${base}/oauth/client.json`,
      client_uri: 'https://chatgpt.com/',
      redirect_uris: ['https://chatgpt.com/connector_platform_oauth_redirect'],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      client_name: 'ChatGPT',
      logo_uri: 'https://persistent.oaistatic.com/sonic/misc/openai-logo.png',
      token_endpoint_auth_signing_alg: 'RS256',
      jwks_uri: `${base}/oauth/jwks.json`,
    }),
    redirectUri: 'https://chatgpt.com/connector_platform_oauth_redirect',
    assertionAlg: 'RS256',
    source: 'https://github.com/django-oauth/django-oauth-toolkit/issues/1845',
  },
];

export function hostedClient(name: string): HostedClient {
  const c = HOSTED_CLIENTS.find((h) => h.name === name);
  if (!c) throw new Error(`no hosted client named ${name}`);
  return c;
}
