/**
 * `OscCredentials` for a demo user of the emulator, implemented honestly against it: the
 * pair comes from `/__emulator/mint`, and `forceRefresh` uses the emulator's OAuth refresh
 * grant (rotation included). OSC `invalid_grant` → GrantRevokedError; OSC 5xx or no answer
 * → UpstreamUnavailableError, as the port documents (src/osc/lifecycle/credentials.ts). For tests of
 * the platform adapter and tools without the whole OAuth stack in front.
 */
import type { OscCredentials } from '../../src/osc/lifecycle/credentials.js';
import type { EmulatorControl } from './emulator.js';
import { GrantRevokedError, UpstreamUnavailableError } from '../../src/errors.js';

export interface EmulatorCredentials extends OscCredentials {
  readonly revoked: boolean;
  /** Refreshes that reached the emulator through this object. */
  readonly refreshes: number;
  /** Every PAT this object has held (for leak scans). */
  readonly issued: readonly string[];
}

export async function emulatorCredentials(
  emulatorUrl: string,
  control: EmulatorControl,
  userId: string,
): Promise<EmulatorCredentials> {
  const minted = await control.mint(userId);
  let access = minted.access_token;
  let refresh = minted.refresh_token;
  const clientId = minted.client_id;
  const issued = [access];
  let refreshes = 0;
  let flight: Promise<string> | undefined;

  const doRefresh = async (): Promise<string> => {
    let res: Response;
    try {
      res = await fetch(`${emulatorUrl}/api/connect/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh, client_id: clientId }),
        signal: AbortSignal.timeout(5_000),
      });
    } catch (err) {
      throw new UpstreamUnavailableError('OSC could not be reached', { cause: err });
    }
    const body = (await res.json().catch(() => ({}))) as {
      access_token?: string;
      refresh_token?: string;
      error?: string;
    };
    if (res.status >= 500) throw new UpstreamUnavailableError(`OSC answered ${res.status}`);
    if (!res.ok || !body.access_token) {
      if (body.error === 'invalid_grant' || res.status === 400 || res.status === 401) throw new GrantRevokedError();
      throw new UpstreamUnavailableError(`OSC answered ${res.status}`);
    }
    refreshes += 1;
    access = body.access_token;
    refresh = body.refresh_token ?? refresh;
    issued.push(access);
    return access;
  };

  let revoked = false;
  return {
    grantId: `emu-${userId}-${Math.random().toString(36).slice(2)}`,
    get refreshes() {
      return refreshes;
    },
    get issued() {
      return issued;
    },
    async accessToken() {
      return access;
    },
    async forceRefresh(rejected: string) {
      if (rejected !== access) return access; // someone already replaced it
      flight ??= doRefresh().finally(() => {
        flight = undefined;
      });
      return flight;
    },
    async revoke() {
      revoked = true;
    },
    get revoked() {
      return revoked;
    },
  };
}
