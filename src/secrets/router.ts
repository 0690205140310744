/**
 * `/secrets/enter/<id>`: where the person types a secret value that set_secret asked for
 * (issue 19; docs/security.md SECRET-07..10). The page is reachable only by the signed-in
 * owner: the /connections sign-in through OSC (src/connections/router.ts), then back here; a
 * different OSC user gets a refusal and the link stays usable for the right one.
 *
 * GET shows which application asked, for which service and secret name, and a password
 * field with a CSRF token bound to this session and this link. POST checks all of that again,
 * takes the link (single use), stores the value with OSC's /mysecrets through the grant's
 * platform port, and answers a page that never repeats the value. The value is never logged
 * (the form field `secretValue` is a secret key of src/log.ts), never stored by us, never in a
 * URL; the body is bounded. Every refusal is a plain 4xx page, never a 500.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { RecordStore, TokenStore } from '../storage/store.js';
import type { GrantRecord, SecretEntryRecord } from '../storage/records.js';
import type { InstanceEndpoints, OscPlatform } from '../osc/platform.js';
import type { ClientDirectory } from '../oauth/clients.js';
import { sendErrorPage } from '../http/page-headers.js';
import { sendUnavailablePageOrThrow } from '../http/unavailable.js';
import { GrantRevokedError, isUnavailable, UpstreamNotFoundError } from '../errors.js';
import { DEFAULTS } from '../defaults.js';
import { readSession, issueCsrf } from '../connections/session.js';
import { sendToSignIn, type ConnectionsDeps } from '../connections/router.js';
import {
  ENTRY_ID_RE,
  entryCsrfValid,
  findConnectionView,
  findSecretEntry,
  isOwner,
  issueEntryCsrf,
  restoreSecretEntry,
  takeSecretEntry,
} from './entry.js';
import { MAX_SECRET_BYTES, renderConnectionView, renderEntryDone, renderEntryForm, renderWrongUser } from './page.js';

export interface SecretPagesDeps {
  store: TokenStore;
  clients: ClientDirectory;
  /** The /connections sign-in the page reuses. */
  connections: ConnectionsDeps;
  /** The OSC port acting for a grant (the composition root picks the adapter). */
  platformForGrant(grant: GrantRecord): OscPlatform;
  log: Logger;
  /** One OSC call's deadline (src/defaults.ts `upstreamCallTimeoutMs`). */
  callTimeoutMs?: number;
  now?: () => number;
}

const GONE = [
  'Link no longer valid',
  'This link has expired, was already used, or its application was disconnected. Ask the application for a new one.',
] as const;

/** The application that asked, as the consent page names it. */
async function clientOf(clients: ClientDirectory, rec: Pick<SecretEntryRecord, 'clientId'>) {
  const client = await clients.find(rec.clientId);
  return {
    clientName: client?.clientName ?? 'An unnamed application',
    verifiedBy: client?.source === 'cimd' ? new URL(client.clientId).host : undefined,
  };
}

/** The grant that asked, or undefined when the person has disconnected it since. */
async function liveGrant(
  store: RecordStore,
  rec: Pick<SecretEntryRecord, 'grantId' | 'tenantId' | 'userId'>,
): Promise<GrantRecord | undefined> {
  const grant = await store.get('grant', rec.grantId);
  return grant && grant.tenantId === rec.tenantId && grant.userId === rec.userId ? grant : undefined;
}

export function secretPagesRouter(deps: SecretPagesDeps): Router {
  const { store, clients, log } = deps;
  const now = deps.now ?? Date.now;
  const router = express.Router();
  // Just above the largest value, percent-encoded (3 bytes per byte at worst), plus the CSRF
  // field; a few fields at most (INPUT-01's rule for our pages).
  const form = express.urlencoded({ extended: false, limit: MAX_SECRET_BYTES * 3 + 1024, parameterLimit: 4 });

  /**
   * The checks both methods share: a well-formed, live link (404, 410), a session (else
   * `signedOut`), the owner (else the refusal page). Undefined when it has answered.
   */
  async function ownLink<R extends { grantId: string; tenantId: string; userId: string }>(
    req: Request,
    res: Response,
    find: (store: RecordStore, id: string, now: number) => Promise<{ key: string; record: R } | undefined>,
    signedOut: (id: string) => Promise<void> | void,
  ) {
    const id = String(req.params.id);
    if (!ENTRY_ID_RE.test(id)) return void sendErrorPage(res, 404, 'Not found', 'There is no such page.');
    const entry = await find(store, id, now());
    if (!entry) return void sendErrorPage(res, 410, ...GONE);
    const session = await readSession(store, req);
    if (!session) return void (await signedOut(id));
    if (!isOwner(entry.record, session.record)) {
      log.warn(
        { event: 'secret_link_refused', reason: 'other_user', grantId: entry.record.grantId, method: req.method },
        'a secret link was opened by another OSC user',
      );
      return void renderWrongUser(res, { userId: session.record.userId, csrf: await issueCsrf(store, session) });
    }
    return { id, entry, session };
  }

  router.get('/secrets/enter/:id', async function secretEntryPage(req: Request, res: Response) {
    try {
      const own = await ownLink(req, res, findSecretEntry, (id) =>
        sendToSignIn(deps.connections, req, res, `/secrets/enter/${id}`),
      );
      if (!own) return;
      const { id, entry, session } = own;
      if (!(await liveGrant(store, entry.record))) return sendDisconnected(res);
      const csrf = await issueEntryCsrf(store, entry, session.id, now());
      renderEntryForm(res, {
        ...(await clientOf(clients, entry.record)),
        serviceId: entry.record.serviceId,
        secretName: entry.record.secretName,
        userId: session.record.userId,
        tenantId: session.record.tenantId,
        csrf,
        expiresAt: entry.record.expiresAt,
        action: `/secrets/enter/${id}`,
      });
    } catch (err) {
      sendUnavailablePageOrThrow(res, err);
    }
  });

  router.post('/secrets/enter/:id', form, async function storeSecret(req: Request, res: Response) {
    try {
      const own = await ownLink(req, res, findSecretEntry, () =>
        sendErrorPage(
          res,
          403,
          'Signed out',
          'Your sign-in has ended. Open the link again to sign in; nothing was stored.',
        ),
      );
      if (!own) return;
      const { entry, session } = own;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const csrf = typeof body.csrf === 'string' ? body.csrf : '';
      if (!entryCsrfValid(entry.record, session.id, csrf)) {
        log.warn(
          { event: 'secret_link_refused', reason: 'csrf', grantId: entry.record.grantId },
          'a secret form came without its CSRF token',
        );
        return sendErrorPage(
          res,
          403,
          'Request refused',
          'This form was not submitted from the page we showed you. Open the link again; nothing was stored.',
        );
      }
      const value = typeof body.secretValue === 'string' ? body.secretValue : '';
      if (!value || Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES)
        return sendErrorPage(
          res,
          400,
          'Nothing stored',
          `Type a value of at most ${MAX_SECRET_BYTES / 1024} KiB. Open the link again to retry.`,
        );
      const grant = await liveGrant(store, entry.record);
      if (!grant) return sendDisconnected(res);
      const rec = await takeSecretEntry(store, entry.key, now());
      if (!rec) return sendErrorPage(res, 410, ...GONE);
      try {
        await deps
          .platformForGrant(grant)
          .saveSecret(
            rec.serviceId,
            rec.secretName,
            value,
            AbortSignal.timeout(deps.callTimeoutMs ?? DEFAULTS.upstreamCallTimeoutMs),
          );
      } catch (err) {
        // The link stays usable: nothing reached OSC, or OSC refused it.
        await restoreSecretEntry(store, entry.key, rec, now()).catch(() => undefined);
        if (err instanceof GrantRevokedError) return sendDisconnected(res);
        if (isUnavailable(err)) throw err;
        log.warn(
          {
            event: 'secret_entry_failed',
            grantId: rec.grantId,
            serviceId: rec.serviceId,
            err: { name: (err as Error)?.name },
          },
          'OSC did not store a secret typed on the secret page',
        );
        return sendErrorPage(
          res,
          502,
          'Not stored',
          'OSC did not accept the secret just now. Nothing was kept here; open the link again to retry.',
        );
      }
      log.info(
        { event: 'secret_entry_stored', grantId: rec.grantId, serviceId: rec.serviceId, secretName: rec.secretName },
        'a secret typed on the secret page was stored at OSC',
      );
      renderEntryDone(res, { ...(await clientOf(clients, rec)), serviceId: rec.serviceId, secretName: rec.secretName });
    } catch (err) {
      sendUnavailablePageOrThrow(res, err);
    }
  });

  // A database's connection details, live from OSC, for the signed-in owner (SECRET-11). OSC
  // never gives a secret's value back (its secrets API lists names only) and we keep no copy, so
  // the password stays a reference here too; the page says so and what to do instead.
  router.get('/secrets/connection/:id', async function connectionPage(req: Request, res: Response) {
    try {
      const own = await ownLink(req, res, findConnectionView, (id) =>
        sendToSignIn(deps.connections, req, res, `/secrets/connection/${id}`),
      );
      if (!own) return;
      const view = own.entry.record;
      const grant = await liveGrant(store, view);
      if (!grant) return sendDisconnected(res);
      let endpoints: InstanceEndpoints;
      try {
        endpoints = await deps
          .platformForGrant(grant)
          .instanceEndpoints(
            view.serviceId,
            view.name,
            AbortSignal.timeout(deps.callTimeoutMs ?? DEFAULTS.upstreamCallTimeoutMs),
          );
      } catch (err) {
        if (err instanceof GrantRevokedError) return sendDisconnected(res);
        if (isUnavailable(err)) throw err;
        if (err instanceof UpstreamNotFoundError)
          return sendErrorPage(res, 404, 'Database not found', 'OSC no longer has this database in your workspace.');
        log.warn(
          { event: 'connection_view_failed', grantId: view.grantId, err: { name: (err as Error)?.name } },
          'OSC did not answer the connection details',
        );
        return sendErrorPage(res, 502, 'Not available', 'OSC did not answer just now. Reload the page to try again.');
      }
      renderConnectionView(res, {
        ...(await clientOf(clients, view)),
        view,
        endpoints,
        userId: own.session.record.userId,
      });
    } catch (err) {
      sendUnavailablePageOrThrow(res, err);
    }
  });

  // Body-parser refusals on these paths: a page of ours, never the JSON of the last-stop
  // handler, and never the parser's error object in a log (it can carry the body).
  router.use('/secrets', function secretBodyErrors(err: unknown, _req: Request, res: Response, next: NextFunction) {
    const type = (err as { type?: string })?.type;
    if (type === 'entity.too.large')
      return sendErrorPage(
        res,
        413,
        'Too long',
        `A secret value may be at most ${MAX_SECRET_BYTES / 1024} KiB. Nothing was stored.`,
      );
    if (typeof type === 'string' && /^(entity\.|parameters\.|charset\.|encoding\.|request\.)/.test(type))
      return sendErrorPage(res, 400, 'Not understood', 'The form could not be read. Nothing was stored.');
    next(err);
  });
  return router;
}

function sendDisconnected(res: Response): void {
  sendErrorPage(
    res,
    410,
    'Application disconnected',
    'The application that asked for this secret is no longer connected to your workspace, so the link no longer works.',
  );
}
