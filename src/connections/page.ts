/**
 * The /connections page: the applications connected to the signed-in user's OSC
 * workspace, each with a Disconnect button (Stripe-style per-client revocation,
 * docs/architecture.md, "The two OAuth legs"). Same page rules as the consent page: no script, all escaped.
 */
import type { Response } from 'express';
import { escapeHtml, renderPage, setPageHeaders } from '../http/page-headers.js';
import { isScope, SCOPE_DESCRIPTIONS } from '../oauth/scopes.js';

/** What a grant's scopes let the application do, in the consent page's plain words. */
function abilities(scopes: string[]): string {
  return scopes
    .filter(isScope)
    .map((s) => `<li>${escapeHtml(SCOPE_DESCRIPTIONS[s])}</li>`)
    .join('');
}

export interface ConnectionView {
  grantId: string;
  clientName: string;
  verifiedBy?: string;
  scopes: string[];
  createdAt: number;
}

export function renderConnections(
  res: Response,
  p: { tenantId: string; userId: string; csrf: string; connections: ConnectionView[] },
): void {
  const rows = p.connections
    .map(
      (c) => `<li class="connection"><span class="client">${escapeHtml(c.clientName)}</span>${
        c.verifiedBy
          ? `<span class="badge">identity verified by ${escapeHtml(c.verifiedBy)}</span>`
          : '<span class="badge">unverified, self-declared name</span>'
      }
<p class="note">Connected ${escapeHtml(new Date(c.createdAt).toISOString().slice(0, 16).replace('T', ' '))} UTC. It may:</p><ul class="note">${abilities(c.scopes)}</ul>
<form method="post" action="/connections/revoke"><input type="hidden" name="csrf" value="${escapeHtml(p.csrf)}"><input type="hidden" name="grant" value="${escapeHtml(c.grantId)}"><button type="submit">Disconnect</button></form></li>`,
    )
    .join('');
  const body = `<h1>Connected applications</h1>
<p>Signed in to OSC as <span class="host">${escapeHtml(p.userId)}</span> in workspace <span class="host">${escapeHtml(p.tenantId)}</span>.</p>
${p.connections.length ? `<ul class="connections">${rows}</ul>` : '<p>No application is connected to your workspace through this server.</p>'}
<p class="note">Disconnecting ends the application's access at once, and any secret link it asked for; it must ask you again to reconnect.</p>
<p class="note">Secrets: a connected application can see the names of your service secrets, never their values. When it needs one, it sends you a link to this server's own secret page, where you sign in and type the value yourself; it goes straight to OSC and is never shown to the application or kept here. Databases it creates get a generated password that no one sees; apps and instances use it as <span class="host">{{secrets.&lt;name&gt;}}</span>. Config stores hold plain settings; their secret values are hidden from the application.</p>
<form method="post" action="/connections/signout"><input type="hidden" name="csrf" value="${escapeHtml(p.csrf)}"><button type="submit">Sign out</button></form>`;
  setPageHeaders(res);
  res.status(200).type('html').send(renderPage('Connected applications', body));
}
