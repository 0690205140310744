/**
 * Which OSC OAuth client osc-mcp uses. `OSC_CLIENT_ID`/`OSC_CLIENT_SECRET` when
 * configured; otherwise a dynamic registration at `/api/connect/register`, kept in the
 * store so every replica shares it (docs/architecture.md, "The two OAuth legs"). OSC's dynamic registrations are
 * short-lived (src/emulator/README.md), so we register again before one expires and when OSC
 * answers `invalid_client`. Each registration is also kept under its own id, so an
 * authorization or a grant started with an older client can still finish with it.
 */
import type { Logger } from 'pino';
import type { RecordStore } from '../../storage/store.js';
import type { Sealer } from '../../storage/seal.js';
import type { OscClientRecord } from '../../storage/records.js';
import type { OscClientCredentials, OscOAuthClient } from '../oauth-client.js';
import { SealError, UpstreamUnavailableError } from '../../errors.js';
import { DEFAULTS } from '../../defaults.js';

const CURRENT = 'current';
/** Start a new authorization only with a client valid for at least this long (the upstream state TTL and then some). */
const RENEW_MARGIN_MS = 15 * 60_000;
/** Registrations that never expire are kept this long without use. */
const DEFAULT_TTL_S = 90 * 24 * 3600;

export interface OscClientProviderOptions {
  store: RecordStore;
  oauth: OscOAuthClient;
  sealer: Sealer;
  redirectUri: string;
  configured?: OscClientCredentials;
  log: Logger;
  now?: () => number;
  /** After a failed registration, none for this long, doubling per failure (src/defaults.ts). */
  backoffMs?: number;
  backoffMaxMs?: number;
}

export interface OscClientProvider {
  /** A client to start a new authorization with. */
  current(): Promise<OscClientCredentials>;
  /** The client with this id (for a code exchange or a refresh), or undefined when gone. */
  byId(clientId: string): Promise<OscClientCredentials | undefined>;
  /** OSC refused `staleId` with invalid_client: register a new client. */
  renew(staleId: string): Promise<OscClientCredentials>;
}

export function createOscClientProvider(opts: OscClientProviderOptions): OscClientProvider {
  const { store, oauth, sealer, redirectUri, configured, log } = opts;
  const now = opts.now ?? Date.now;
  const backoffMs = opts.backoffMs ?? DEFAULTS.oscRegisterBackoffMs;
  const backoffMaxMs = opts.backoffMaxMs ?? DEFAULTS.oscRegisterBackoffMaxMs;
  let inflight: Promise<OscClientCredentials> | undefined;
  // The registration circuit (FLOOD-04): while OSC refuses registrations, sign-ins are told
  // to come back later instead of each anonymous request registering once more.
  let failures = 0;
  let closedUntil = 0;

  /** The credentials, or undefined when the secret no longer opens (seal key rotated away): register anew. */
  const open = (rec: OscClientRecord): OscClientCredentials | undefined => {
    try {
      return {
        clientId: rec.clientId,
        clientSecret: rec.clientSecretSealed
          ? sealer.open(rec.clientSecretSealed, `osc-client:${rec.clientId}`)
          : undefined,
      };
    } catch (err) {
      if (err instanceof SealError) return undefined;
      throw err;
    }
  };

  const usable = (rec: OscClientRecord | undefined): rec is OscClientRecord =>
    !!rec &&
    rec.redirectUri === redirectUri &&
    (rec.expiresAt === undefined || rec.expiresAt - now() > RENEW_MARGIN_MS);

  const register = (): Promise<OscClientCredentials> => {
    const waitMs = closedUntil - now();
    if (!inflight && waitMs > 0)
      return Promise.reject(
        new UpstreamUnavailableError('OSC registration is backing off after a failure', {
          retryAfterS: Math.ceil(waitMs / 1000),
        }),
      );
    // Single flight in process; two replicas racing just register two valid clients.
    inflight ??= (async () => {
      try {
        const reg = await oauth.register({ redirectUri, clientName: 'osc-mcp' });
        const ttlS = reg.expiresAt ? Math.max(60, Math.ceil((reg.expiresAt - now()) / 1000)) : DEFAULT_TTL_S;
        const rec: OscClientRecord = {
          clientId: reg.clientId,
          clientSecretSealed: reg.clientSecret
            ? sealer.seal(reg.clientSecret, `osc-client:${reg.clientId}`)
            : undefined,
          redirectUri,
          registeredAt: now(),
          expiresAt: reg.expiresAt,
        };
        await store.put('oscClient', reg.clientId, rec, ttlS);
        await store.put('oscClient', CURRENT, rec, ttlS);
        log.info(
          { event: 'osc_client_registered', oscClientId: reg.clientId, expiresAt: reg.expiresAt },
          'registered with OSC',
        );
        failures = 0;
        closedUntil = 0;
        return { clientId: reg.clientId, clientSecret: reg.clientSecret };
      } catch (err) {
        failures += 1;
        const pauseMs = Math.min(backoffMaxMs, backoffMs * 2 ** Math.min(failures - 1, 20));
        closedUntil = now() + pauseMs;
        log.warn(
          { event: 'osc_client_register_failed', failures, pauseMs, message: (err as Error).message },
          'OSC registration failed; new sign-ins wait',
        );
        throw err instanceof UpstreamUnavailableError
          ? new UpstreamUnavailableError(err.message, { cause: err, retryAfterS: Math.ceil(pauseMs / 1000) })
          : err;
      } finally {
        inflight = undefined;
      }
    })();
    return inflight;
  };

  return {
    async current() {
      if (configured) return configured;
      const rec = await store.get('oscClient', CURRENT);
      return (usable(rec) && open(rec)) || register();
    },
    async byId(clientId) {
      if (configured) return configured.clientId === clientId ? configured : undefined;
      const rec = await store.get('oscClient', clientId);
      return rec ? open(rec) : undefined;
    },
    async renew(staleId) {
      if (configured) return configured;
      await store.delete('oscClient', staleId);
      const rec = await store.get('oscClient', CURRENT);
      return (rec && rec.clientId !== staleId && usable(rec) && open(rec)) || register();
    },
  };
}
