/**
 * Answers to the client, only at a redirect URI already validated against the client's
 * registration (OAUTH-09). Every authorization response, success or error, carries `iss`
 * (RFC 9207 §2) and the client's `state` unchanged. 303, never 307 (BCP §4.12).
 *
 * An error for a client whose redirect URI is unverified (./client-trust.ts) is not
 * redirected: our own page names the redirect host and offers the answer as a link the
 * person may follow (RFC 9700 §4.11.2; POLICY-02).
 */
import type { Response } from 'express';
import { escapeHtml, renderPage, setPageHeaders } from '../http/page-headers.js';

type AnswerParams = { code?: string; error?: string; error_description?: string; state?: string };

/** The redirect URI with the answer's parameters and our `iss`. */
export function clientAnswerUrl(redirectUri: string, issuer: string, params: AnswerParams): string {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  url.searchParams.set('iss', issuer);
  return url.toString();
}

export function redirectToClient(res: Response, redirectUri: string, issuer: string, params: AnswerParams): void {
  res
    .set('Cache-Control', 'no-store')
    .set('Referrer-Policy', 'no-referrer')
    .redirect(303, clientAnswerUrl(redirectUri, issuer, params));
}

/** 400: the error on our page, the redirect host named, the answer a link the person may follow. */
export function sendClientErrorPage(
  res: Response,
  redirectUri: string,
  issuer: string,
  params: AnswerParams & { error: string },
): void {
  const url = new URL(redirectUri);
  const host = url.host || `${url.protocol}//`;
  const body = `<h1>This request could not be completed</h1>
<p>The application's request was refused: ${escapeHtml(params.error_description ?? params.error)} (<code>${escapeHtml(params.error)}</code>).</p>
<p>It asked to be answered at <span class="host" id="redirect-host">${escapeHtml(host)}</span>. We did not send you there, because nothing confirms that this address belongs to the application.</p>
<p><a id="client-link" rel="noreferrer" href="${escapeHtml(clientAnswerUrl(redirectUri, issuer, params))}">Tell the application at ${escapeHtml(host)}</a> — only if you started this from an application you trust.</p>`;
  setPageHeaders(res);
  res.status(400).type('html').send(renderPage('Request refused', body));
}
