/**
 * OSC's OAuth URLs (src/emulator/README.md). `app.osaas.io` for prod, `app.<env>.osaas.io`
 * otherwise. Server-to-server calls always use the real https URLs (the emulator
 * redirect, when installed, carries them to the emulator with their Host header); the
 * browser cannot follow that redirect, so with an emulator it is sent to the emulator's
 * own URL (docs/architecture.md, "Token lifecycle").
 */
export interface OscOAuthUrls {
  issuer: string;
  /** Where the user's browser goes. */
  browserAuthorize: string;
  token: string;
  register: string;
}

export function oscOAuthUrls(environment: string, emulatorUrl?: string): OscOAuthUrls {
  const issuer = environment === 'prod' ? 'https://app.osaas.io' : `https://app.${environment}.osaas.io`;
  const browserBase = emulatorUrl ? emulatorUrl.replace(/\/+$/, '') : issuer;
  return {
    issuer,
    browserAuthorize: `${browserBase}/api/connect/authorize`,
    token: `${issuer}/api/connect/token`,
    register: `${issuer}/api/connect/register`,
  };
}

/** The only place requests on a user's behalf may go: `https://osaas.io` or `https://*.osaas.io` (EGRESS-02). */
export function isOscUrl(url: URL): boolean {
  const h = url.hostname.toLowerCase();
  return url.protocol === 'https:' && (h === 'osaas.io' || h.endsWith('.osaas.io'));
}
