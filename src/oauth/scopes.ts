/**
 * Our scopes (docs/architecture.md, "The MCP endpoint"): `osc:read` (list, describe, get, logs, balance,
 * secret names, endpoints, config reads) and `osc:write` (create, update, restart, delete, databases, secret links and delete, config writes, apps). Unknown requested scopes are dropped; none left means both.
 * No omnibus scope and no `offline_access` in what we advertise (docs/architecture.md, "The two OAuth legs").
 */
export const SCOPES = ['osc:read', 'osc:write'] as const;
export type Scope = (typeof SCOPES)[number];

export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'osc:read':
    'See your services, instances, logs, plan and token balance, how to connect to your instances, your config stores (secret values hidden), the names (never the values) of your service secrets, and your apps built from Git with their build and runtime output',
  'osc:write':
    "Create, change, restart and delete instances and databases (a database gets a generated password that no one sees, kept as a service secret), ask you to type a secret on this server's own page (the application never sees the value), delete service secrets, create and set config stores, and create, rebuild, reconfigure and delete apps built from your Git repositories in your workspace (creating spends OSC tokens)",
};

export function isScope(s: string): s is Scope {
  return (SCOPES as readonly string[]).includes(s);
}

/** Parses a space-delimited scope string (RFC 6749 §3.3) into known scopes, in canonical order. */
export function parseRequestedScopes(scope: string | undefined): Scope[] {
  const asked = new Set((scope ?? '').split(' ').filter(Boolean));
  const known = SCOPES.filter((s) => asked.has(s));
  return known.length > 0 ? known : [...SCOPES];
}

/** Keeps the canonical order and drops anything unknown. */
export function normalizeScopes(scopes: Iterable<string>): Scope[] {
  const set = new Set(scopes);
  return SCOPES.filter((s) => set.has(s));
}

export function formatScopes(scopes: readonly string[]): string {
  return scopes.join(' ');
}
