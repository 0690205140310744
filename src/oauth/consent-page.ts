/**
 * Our consent page (MCP SBP "Consent UI Requirements"; OAUTH-05, OAUTH-12, OAUTH-13; -13):
 * names the client — marked self-declared unless its identity comes from a metadata
 * document URL —, shows the redirect host (with a warning when it is not the metadata
 * document's host, POLICY-04) and the scopes as checkboxes the user may narrow, and offers
 * Approve and Deny. No script, no client-supplied images, everything
 * escaped.
 */
import type { Response } from 'express';
import type { ClientRecord, PendingAuthorization } from '../storage/records.js';
import { escapeHtml, renderPage, setPageHeaders } from '../http/page-headers.js';
import { SCOPES, SCOPE_DESCRIPTIONS, parseScopes } from './scopes.js';
import { isLoopbackHost } from './redirect-uri.js';
import { hostMismatch } from './client-trust.js';

function redirectHost(uri: string): { host: string; loopback: boolean } {
  try {
    const url = new URL(uri);
    return { host: url.host || `${url.protocol}//`, loopback: isLoopbackHost(url.hostname) };
  } catch {
    return { host: uri, loopback: false };
  }
}

export function renderConsentPage(
  res: Response,
  p: {
    client: ClientRecord;
    pending: PendingAuthorization;
    csrf: string;
    /** The request named none of our scopes (./scopes.ts `offeredScopes`). */
    defaulted?: boolean;
    /** Scopes asked for beyond the client's registration, not offered. */
    withheld?: readonly string[];
  },
): void {
  const { client, pending, csrf } = p;
  const name = client.clientName ?? 'An unnamed application';
  const identity =
    client.source === 'cimd'
      ? `<span class="badge">identity verified by ${escapeHtml(new URL(client.clientId).host)}</span>`
      : '<span class="badge">unverified, self-declared name</span>';
  const target = redirectHost(pending.redirectUri);
  const mismatch = hostMismatch(client, pending.redirectUri);
  const mismatchNote = mismatch
    ? `<p class="note warning" id="host-mismatch">Check the addresses: this application is described by <span class="host">${escapeHtml(mismatch.documentHost)}</span>, but the answer goes to <span class="host">${escapeHtml(mismatch.redirectHost)}</span>, another host. Only approve if you expected that.</p>`
    : '';
  const loopbackNote = target.loopback
    ? '<p class="note">This application receives the answer on your own computer. Only approve if you just started connecting it.</p>'
    : '';
  const scopes = SCOPES.filter((s) => pending.scopes.includes(s))
    .map(
      (s) =>
        `<label><input type="checkbox" name="scope" value="${escapeHtml(s)}" checked> <strong>${escapeHtml(s)}</strong> — ${escapeHtml(SCOPE_DESCRIPTIONS[s])}</label>`,
    )
    .join('');
  const scopeNotes = [
    p.defaulted
      ? `<p class="note" id="scope-default">The application did not say what it needs, so it is offered ${
          parseScopes(client.scope).length > 0 ? 'what it registered for' : 'read access only'
        }. It can ask again if it needs more.</p>`
      : '',
    p.withheld?.length
      ? `<p class="note" id="scope-withheld">It also asked for ${p.withheld
          .map((s) => `<strong>${escapeHtml(s)}</strong>`)
          .join(' and ')}, which it is not registered for; it will not get that.</p>`
      : '',
  ].join('');
  const body = `<h1>Connect an application to your OSC workspace?</h1>
<p><span class="client" id="client-name">${escapeHtml(name)}</span>${identity}</p>
<p>After you approve, it will be sent back to <span class="host" id="redirect-host">${escapeHtml(target.host)}</span>.</p>
${mismatchNote}${loopbackNote}
<form method="post" action="/consent">
<input type="hidden" name="pending" value="${escapeHtml(pending.id)}">
<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">
<fieldset><legend>If you approve, it may (uncheck what you do not want to allow)</legend>${scopes}</fieldset>
${scopeNotes}
<p class="note">Next you sign in to Eyevinn Open Source Cloud. The application never sees your OSC credentials; it acts through this server, in your workspace, on your plan.</p>
<div class="actions"><button class="approve" type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button></div>
</form>`;
  setPageHeaders(res);
  res.status(200).type('html').send(renderPage('Connect to OSC', body));
}
