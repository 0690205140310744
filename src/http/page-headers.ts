/**
 * Headers for every HTML page we render (consent, callback errors): strict CSP with no
 * script at all, no framing, no referrer, no caching (OAUTH-12, SECRETS-07).
 * `form-action` is deliberately not set: Chromium applies it to the redirect that follows
 * the consent POST, which goes to OSC or to the client's redirect URI.
 */
import type { Response } from 'express';

export const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'";

export function setPageHeaders(res: Response): void {
  res.set({
    'Content-Security-Policy': PAGE_CSP,
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`=/]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A minimal page in our own style sheet; `body` must already be escaped HTML. */
export function renderPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="stylesheet" href="/assets/page.css"></head>
<body><main>${body}</main></body></html>`;
}

/** A local error page (no redirect): used before the redirect URI is validated (RFC 6749 §4.1.2.1). */
export function sendErrorPage(res: Response, status: number, title: string, message: string): void {
  setPageHeaders(res);
  res
    .status(status)
    .type('html')
    .send(renderPage(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`));
}

export const PAGE_CSS = `body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f5f6f8;color:#1d2330;margin:0}
main{max-width:34rem;margin:3rem auto;background:#fff;border-radius:10px;padding:2rem;box-shadow:0 1px 4px rgba(0,0,0,.08)}
h1{font-size:1.3rem;margin-top:0}.client{font-weight:600;word-break:break-all}.badge{display:inline-block;font-size:.75rem;background:#fff4d6;color:#6b4e00;border-radius:4px;padding:.1rem .4rem;margin-left:.4rem}
.host{font-family:ui-monospace,monospace;background:#eef0f4;padding:.1rem .3rem;border-radius:4px;word-break:break-all}
fieldset{border:1px solid #dfe3ea;border-radius:8px;margin:1rem 0}label{display:block;margin:.4rem 0}
.actions{display:flex;gap:.8rem;margin-top:1.2rem}button{font-size:1rem;padding:.55rem 1.2rem;border-radius:6px;border:1px solid #b8c0cc;background:#fff;cursor:pointer}
button.approve{background:#1f6feb;color:#fff;border-color:#1f6feb}.note{font-size:.85rem;color:#5b6475}
.note.warning{color:#8a1f11;font-weight:600}`;
