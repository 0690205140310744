/**
 * Which OSC host a request is for, from its `Host` header (src/emulator/README.md: hosts matched by
 * suffix, `<env>` any label). Anything that is not a platform or service host is the OAuth
 * host, so a browser sent to the emulator's own loopback URL gets the sign-in pages
 * (docs/architecture.md, "Interface contract").
 */
import type { Request } from 'express';

export type HostInfo =
  | { kind: 'catalog' | 'token' | 'money' | 'deploy'; env: string }
  | { kind: 'instances'; env: string; serviceId: string }
  | { kind: 'instance-host'; env: string; serviceId: string; tenantId: string; name: string }
  | { kind: 'app-domain'; label: string }
  | { kind: 'unknown-svc'; env: string }
  | { kind: 'oauth'; host: string };

const SVC = /^([a-z0-9-]+)\.svc\.([a-z0-9-]+)\.osaas\.io$/;
const API = /^api-([a-z0-9-]+)\.auto\.([a-z0-9-]+)\.osaas\.io$/;
const PLATFORM = new Set(['catalog', 'token', 'money', 'deploy']);
/** An instance's own host, `<tenant>-<name>.<serviceId>.auto.<env>.osaas.io` (src/emulator/README.md). */
const INSTANCE = /^([a-z0-9-]+)-([a-z0-9]+)\.([a-z0-9-]+)\.auto\.([a-z0-9-]+)\.osaas\.io$/;
/** A My App's managed domain, `<hash>.apps.osaas.io` (Terraform `osc_my_app.managed_domain`). */
const APP_DOMAIN = /^([a-z0-9]+)\.apps\.osaas\.io$/;

export function hostName(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

export function classify(hostHeader: string | undefined): HostInfo {
  const host = hostHeader ?? '';
  const name = hostName(host);
  const api = API.exec(name);
  if (api) return { kind: 'instances', serviceId: api[1] as string, env: api[2] as string };
  const own = INSTANCE.exec(name);
  if (own)
    return {
      kind: 'instance-host',
      tenantId: own[1] as string,
      name: own[2] as string,
      serviceId: own[3] as string,
      env: own[4] as string,
    };
  const appDomain = APP_DOMAIN.exec(name);
  if (appDomain) return { kind: 'app-domain', label: appDomain[1] as string };
  const svc = SVC.exec(name);
  if (svc) {
    const which = svc[1] as string;
    const env = svc[2] as string;
    return PLATFORM.has(which) ? { kind: which as 'catalog', env } : { kind: 'unknown-svc', env };
  }
  return { kind: 'oauth', host };
}

export function hostInfo(req: Request): HostInfo {
  return classify(req.headers.host);
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopback(hostname: string): boolean {
  return LOOPBACK.has(hostname.toLowerCase());
}

/**
 * The issuer for the OAuth host as the caller named it: `https://app[.<env>].osaas.io` for
 * OSC's own names (src/emulator/README.md), `http://<host>` for loopback, else the request protocol.
 */
export function issuerFor(req: Request): string {
  const host = req.headers.host ?? '127.0.0.1';
  const name = hostName(host);
  if (name === 'osaas.io' || name.endsWith('.osaas.io')) return `https://${host}`;
  if (isLoopback(name)) return `http://${host}`;
  return `${req.protocol}://${host}`;
}
