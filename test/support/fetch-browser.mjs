// A stand-in web browser for CLI clients that "open" the authorization URL (the MCP
// Inspector CLI calls the `open` package, which runs `xdg-open`, which runs $BROWSER with
// the URL). It does what a user would: on OUR consent page it presses Approve with every
// scope shown, passes OSC's sign-in and consent (the emulator's pages, for BROWSER_USER,
// unless EMULATOR_AUTO_CONSENT already does), and follows the redirects with a cookie jar
// to the client's loopback callback.
//
//   BROWSER="/path/to/node /path/to/fetch-browser.mjs"   (no ':' in the paths: xdg-open splits on it)
//   FETCH_BROWSER_LOG=/tmp/x.jsonl   one JSON line per page (url without query, status, what it was)
//   FETCH_BROWSER_USER=alice         demo user at the emulator's sign-in page
//
// Plain Node (no TypeScript, no dependencies): it runs outside the test process.
import { appendFileSync } from 'node:fs';

const target = process.argv[2];
const logFile = process.env.FETCH_BROWSER_LOG;
const user = process.env.FETCH_BROWSER_USER || 'alice';
const jar = new Map(); // origin → Map(name → value)

function log(entry) {
  if (logFile) appendFileSync(logFile, `${JSON.stringify({ at: Date.now(), ...entry })}\n`);
}

function cookieHeader(url) {
  const c = jar.get(new URL(url).origin);
  return c?.size ? [...c].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
}

function keep(url, res) {
  const origin = new URL(url).origin;
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const i = pair.indexOf('=');
    if (!jar.has(origin)) jar.set(origin, new Map());
    jar.get(origin).set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
  }
}

// A client may open the browser before its loopback callback listens (mcp-remote 0.15.1
// prints "Browser opened" and only then "OAuth callback server running"); a person takes
// seconds over the consent, this stand-in milliseconds. So a refused connection is tried
// again for a while, as a person would reload the page; any other failure is final.
const REFUSED_RETRY_MS = 10_000;

async function request(url, init = {}) {
  const cookie = cookieHeader(url);
  const started = Date.now();
  for (;;) {
    try {
      const res = await fetch(url, {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers || {}), ...(cookie ? { cookie } : {}) },
        signal: AbortSignal.timeout(20_000),
      });
      keep(url, res);
      return res;
    } catch (err) {
      if (err?.cause?.code !== 'ECONNREFUSED' || Date.now() - started > REFUSED_RETRY_MS) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function field(html, name) {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
}

function strip(url) {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

async function main() {
  if (!target) throw new Error('usage: fetch-browser.mjs <url>');
  let url = target;
  let method = 'GET';
  let body;
  for (let hop = 0; hop < 20; hop++) {
    const res = await request(
      url,
      method === 'POST' ? { method, body, headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {},
    );
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      log({
        url: strip(url),
        method,
        status: res.status,
        kind: 'redirect',
        to: strip(new URL(location, url).toString()),
      });
      url = new URL(location, url).toString();
      method = 'GET';
      body = undefined;
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) {
      log({ url: strip(url), method, status: res.status, kind: 'error', text: html.slice(0, 300) });
      throw new Error(`${method} ${strip(url)} → ${res.status}`);
    }
    const pending = field(html, 'pending');
    const csrf = field(html, 'csrf');
    if (pending && csrf) {
      // OUR consent page.
      const clientName = /id="client-name">([^<]*)</.exec(html)?.[1];
      const redirectHost = /id="redirect-host">([^<]*)</.exec(html)?.[1];
      const scopes = [...html.matchAll(/name="scope" value="([^"]+)"/g)].map((m) => m[1]);
      log({
        url: strip(url),
        method,
        status: res.status,
        kind: 'consent',
        clientName,
        redirectHost,
        unverified: /unverified/.test(html),
        scopes,
      });
      const form = new URLSearchParams({ pending, csrf, decision: 'approve' });
      for (const s of scopes) form.append('scope', s);
      url = new URL('/consent', url).toString();
      method = 'POST';
      body = form.toString();
      continue;
    }
    const tx = field(html, 'transaction_id');
    if (tx && html.includes('name="user_id"')) {
      log({ url: strip(url), method, status: res.status, kind: 'osc-sign-in' });
      url = new URL('/api/connect/authorize', url).toString();
      method = 'POST';
      body = new URLSearchParams({ transaction_id: tx, user_id: user }).toString();
      continue;
    }
    if (tx && html.includes('name="decision"')) {
      log({ url: strip(url), method, status: res.status, kind: 'osc-consent' });
      url = new URL('/api/connect/authorize', url).toString();
      method = 'POST';
      body = new URLSearchParams({ transaction_id: tx, decision: 'allow' }).toString();
      continue;
    }
    // Anything else is where the journey ends: the client's callback page.
    log({ url: strip(url), method, status: res.status, kind: 'landed' });
    return;
  }
  throw new Error('too many hops');
}

main().catch((err) => {
  log({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
  process.stderr.write(`fetch-browser: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
