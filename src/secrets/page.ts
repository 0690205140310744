/**
 * The secret page's HTML (src/secrets/router.ts). The rules of every page of ours
 * (src/http/page-headers.ts): no script, everything escaped, CSP `frame-ancestors 'none'`,
 * `no-referrer`, `no-store`. The value the person types is never written into any page.
 */
import type { Response } from 'express';
import { escapeHtml, renderPage, setPageHeaders } from '../http/page-headers.js';

/** The most a secret value may be (bytes of UTF-8); the form body is bounded just above it. */
export const MAX_SECRET_BYTES = 16 * 1024;

export interface EntryView {
  clientName: string;
  verifiedBy?: string;
  serviceId: string;
  secretName: string;
  exists?: boolean;
  /** The signed-in OSC user. */
  userId: string;
  tenantId: string;
  csrf: string;
  expiresAt: number;
  action: string;
}

function clientLine(v: Pick<EntryView, 'clientName' | 'verifiedBy'>): string {
  return `<span class="client">${escapeHtml(v.clientName)}</span>${
    v.verifiedBy
      ? `<span class="badge">identity verified by ${escapeHtml(v.verifiedBy)}</span>`
      : '<span class="badge">unverified, self-declared name</span>'
  }`;
}

export function renderEntryForm(res: Response, v: EntryView): void {
  const body = `<h1>Set a secret for an application</h1>
<p>${clientLine(v)} asked you to set the secret <span class="host">${escapeHtml(v.secretName)}</span> of the service <span class="host">${escapeHtml(v.serviceId)}</span> in your OSC workspace <span class="host">${escapeHtml(v.tenantId)}</span>.</p>
<p class="note">Signed in to OSC as <span class="host">${escapeHtml(v.userId)}</span>. What you type goes straight to OSC's secret store: the application and its AI model never see it, and this server keeps no copy. If you did not expect this request, close the page.</p>
<form method="post" action="${escapeHtml(v.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(v.csrf)}">
<label for="secretValue">Value of ${escapeHtml(v.secretName)}</label>
<input id="secretValue" name="secretValue" type="password" required autocomplete="off" maxlength="${MAX_SECRET_BYTES}">
<div class="actions"><button type="submit" class="approve">Store secret</button></div>
</form>
<p class="note">This link works once and until ${escapeHtml(new Date(v.expiresAt).toISOString().slice(0, 16).replace('T', ' '))} UTC. Instances use the secret as <span class="host">{{secrets.${escapeHtml(v.secretName)}}}</span>.</p>`;
  setPageHeaders(res);
  res.status(200).type('html').send(renderPage('Set a secret', body));
}

export function renderEntryDone(
  res: Response,
  v: Pick<EntryView, 'clientName' | 'verifiedBy' | 'serviceId' | 'secretName'>,
): void {
  const body = `<h1>Secret stored</h1>
<p>The secret <span class="host">${escapeHtml(v.secretName)}</span> of <span class="host">${escapeHtml(v.serviceId)}</span> is now in your OSC workspace.</p>
<p>You can close this page and tell ${clientLine(v)} that it is done. It can see that the secret exists, never its value.</p>`;
  setPageHeaders(res);
  res.status(200).type('html').send(renderPage('Secret stored', body));
}

/** The signed-in person is not the OSC user the link was made for. */
export function renderWrongUser(res: Response, p: { userId: string; csrf: string }): void {
  const body = `<h1>This link is for another OSC user</h1>
<p>You are signed in to OSC as <span class="host">${escapeHtml(p.userId)}</span>, but the application asked the user it is connected for. Nothing was shown or changed.</p>
<p class="note">If the link is yours, sign out here, open the link again and sign in as the right user.</p>
<form method="post" action="/connections/signout"><input type="hidden" name="csrf" value="${escapeHtml(p.csrf)}"><button type="submit">Sign out</button></form>`;
  setPageHeaders(res);
  res.status(403).type('html').send(renderPage('Another user', body));
}
