/**
 * The secret page's HTML (src/secrets/router.ts). The rules of every page of ours
 * (src/http/page-headers.ts): no script, everything escaped, CSP `frame-ancestors 'none'`,
 * `no-referrer`, `no-store`. The value the person types is never written into any page.
 */
import type { Response } from 'express';
import { escapeHtml, renderPage, setPageHeaders } from '../http/page-headers.js';
import type { InstanceEndpoints } from '../osc/platform.js';
import type { DatabaseView } from './entry.js';

/** The most a secret value may be (bytes of UTF-8); the form body is bounded just above it. */
export const MAX_SECRET_BYTES = 16 * 1024;

export interface EntryView {
  clientName: string;
  verifiedBy?: string;
  serviceId: string;
  secretName: string;
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

/** A connection string with the password as its reference; nothing here is a secret. */
function connectionString(v: DatabaseView, host: string, port?: number): string {
  const ref = `{{secrets.${v.secretName}}}`;
  const t = v.template;
  const login = t.user ? `${t.user}:${ref}` : `:${ref}`;
  return `${t.scheme}://${login}@${host}${port ? `:${port}` : ''}${t.path}`;
}

export function renderConnectionView(
  res: Response,
  p: { clientName: string; verifiedBy?: string; view: DatabaseView; endpoints: InstanceEndpoints; userId: string },
): void {
  const { view: v, endpoints: e } = p;
  const rows: Array<[string, string]> = [];
  if (v.template.scheme === 'https' && e.url)
    rows.push(['From anywhere (HTTPS)', connectionString(v, new URL(e.url).host)]);
  for (const x of e.external) rows.push(['From outside your workspace', connectionString(v, x.ip, x.port)]);
  if (e.internalDns)
    for (const port of e.internalPorts.length ? e.internalPorts.map((x) => x.port) : [v.template.port])
      rows.push(['From other instances and apps in your workspace', connectionString(v, e.internalDns, port)]);
  const list = rows
    .map(([where, s]) => `<li><p class="note">${escapeHtml(where)}</p><p class="host">${escapeHtml(s)}</p></li>`)
    .join('');
  const body = `<h1>Connection details</h1>
<p>Database <span class="host">${escapeHtml(v.name)}</span> of <span class="host">${escapeHtml(v.serviceId)}</span>, created for you by ${clientLine(p)}. Signed in to OSC as <span class="host">${escapeHtml(p.userId)}</span>. Read from OSC just now.</p>
${rows.length ? `<ul class="connections">${list}</ul>` : '<p>OSC shows no address for it yet: it may still be starting. Reload the page in a moment.</p>'}
<p>Public access is ${e.publicAccess ? 'on' : 'off'}.</p>
<h2>The password</h2>
<p>The password is the service secret <span class="host">${escapeHtml(v.secretName)}</span>, shown above as <span class="host">{{secrets.${escapeHtml(v.secretName)}}}</span>. OSC resolves that reference inside your workspace: give the string as is to an instance or an app option, or to a config store, and it works.</p>
<p class="note">This page cannot show the password itself. OSC never gives a secret's value back, to anyone, this server included, and this server keeps no copy of it: that is what keeps it out of the application and its AI model. If a password was generated for this database, no one has seen it. To connect with a password you know, create the database with a secret you typed yourself on this server's secret page (ask the application to use set_secret first, then create_database with that secret).</p>`;
  setPageHeaders(res);
  res.status(200).type('html').send(renderPage('Connection details', body));
}
