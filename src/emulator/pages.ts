/**
 * HTML for OSC's sign-in and consent pages and the local error page. Every interpolated
 * value is escaped. The forms are plain so tests can pass them without a browser
 * (test/support/emulator.ts `approveAtEmulator`):
 *   sign-in: POST /api/connect/authorize  transaction_id, user_id
 *   consent: POST /api/connect/authorize  transaction_id, decision=allow|deny
 */
import type { DemoUser } from './users.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1c2330}
h1{font-size:1.4rem}.card{border:1px solid #d0d7de;border-radius:8px;padding:1rem;margin:.75rem 0}
button{font-size:1rem;padding:.5rem 1rem;border-radius:6px;border:1px solid #888;cursor:pointer}
.allow{background:#0b6e4f;color:#fff}.muted{color:#57606a;font-size:.9rem}code{background:#f3f4f6;padding:0 .25rem}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head>
<body><p class="muted">Eyevinn Open Source Cloud (offline emulator)</p>${body}</body></html>`;
}

export function signInPage(transactionId: string, clientName: string, users: readonly DemoUser[]): string {
  const forms = users
    .map(
      (u) => `<form class="card" method="post" action="/api/connect/authorize">
<input type="hidden" name="transaction_id" value="${escapeHtml(transactionId)}">
<input type="hidden" name="user_id" value="${escapeHtml(u.id)}">
<strong>${escapeHtml(u.id)}</strong> — ${escapeHtml(u.name)}<br>
<span class="muted">workspace <code>${escapeHtml(u.tenantId)}</code>, plan ${escapeHtml(u.plan)}</span><br>
<button type="submit" id="signin-${escapeHtml(u.id)}">Sign in as ${escapeHtml(u.id)}</button></form>`,
    )
    .join('\n');
  return page(
    'Sign in to Open Source Cloud',
    `<h1>Sign in to Open Source Cloud</h1><p>to continue to <strong>${escapeHtml(clientName)}</strong>. Choose a demo user:</p>${forms}`,
  );
}

export function consentPage(transactionId: string, clientName: string, redirectUri: string, user: DemoUser): string {
  let host = redirectUri;
  try {
    host = new URL(redirectUri).host;
  } catch {
    // keep the raw value; it is escaped below
  }
  const hidden = `<input type="hidden" name="transaction_id" value="${escapeHtml(transactionId)}">`;
  return page(
    'Authorize application',
    `<h1>Authorize ${escapeHtml(clientName)}</h1>
<p><strong>${escapeHtml(clientName)}</strong> wants to act on behalf of <strong>${escapeHtml(user.id)}</strong>
in the workspace <code>${escapeHtml(user.tenantId)}</code>: create, list and remove service instances, and read your plan.</p>
<p class="muted">You will be sent back to <code>${escapeHtml(host)}</code>.</p>
<form method="post" action="/api/connect/authorize" style="display:inline">${hidden}
<input type="hidden" name="decision" value="allow"><button class="allow" id="allow" type="submit">Allow</button></form>
<form method="post" action="/api/connect/authorize" style="display:inline">${hidden}
<input type="hidden" name="decision" value="deny"><button id="deny" type="submit">Deny</button></form>`,
  );
}

export function errorPage(message: string): string {
  return page('Authorization error', `<h1>Authorization error</h1><p>${escapeHtml(message)}</p>`);
}
