/**
 * Our scopes (docs/architecture.md, "The MCP endpoint"): `osc:read` (list, describe, get, logs, balance,
 * secret names, endpoints, config reads) and `osc:write` (create, update, restart, delete, databases, secret links and delete, config writes, apps). Unknown requested scopes are dropped; what a request is offered is `offeredScopes`.
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

/** What a request naming none of our scopes is offered when the client registered none: read only. */
export const DEFAULT_SCOPES: readonly Scope[] = ['osc:read'];

/** Our scopes named in a space-delimited scope string (RFC 6749 §3.3), in canonical order; unknown ones dropped. */
export function parseScopes(scope: string | undefined): Scope[] {
  return normalizeScopes((scope ?? '').split(' ').filter(Boolean));
}

/**
 * What an authorization request is offered on the consent page (docs/security.md, POLICY-05..08):
 *
 * - The client's registered `scope` (RFC 7591 §2; a metadata document's `scope`) bounds what it
 *   can be granted. A client that registered none of our scopes — every real client we know —
 *   is registered for all we offer (RFC 7591 §2 lets the server pick the default set), so a
 *   403 `insufficient_scope` can still lead to a wider re-authorization.
 * - A request naming none of our scopes is offered `osc:read` only, or what the client
 *   registered when it registered scope; the person approves each scope on the consent page.
 * - A request naming more than the registration is cut down to it (RFC 6749 §3.3: the server
 *   may ignore part of the requested scope and then says what it granted in the token
 *   response's `scope`), and the consent page says what was left out. Refusing instead would
 *   end a real client's flow with an error its user cannot fix. Only a request naming none of
 *   its registered scopes gets `invalid_scope`: granting something it did not ask for is not
 *   cutting down.
 */
export function offeredScopes(
  requested: string | undefined,
  registered: string | undefined,
): { scopes: Scope[]; defaulted: boolean; withheld: Scope[] } | { problem: string } {
  const registeredScopes = parseScopes(registered);
  const allowed = registeredScopes.length > 0 ? registeredScopes : [...SCOPES];
  const asked = parseScopes(requested);
  if (asked.length === 0)
    return {
      scopes: registeredScopes.length > 0 ? registeredScopes : [...DEFAULT_SCOPES],
      defaulted: true,
      withheld: [],
    };
  const scopes = asked.filter((s) => allowed.includes(s));
  if (scopes.length === 0)
    return { problem: `this client is registered for ${formatScopes(allowed)} only, not ${formatScopes(asked)}` };
  return { scopes, defaulted: false, withheld: asked.filter((s) => !allowed.includes(s)) };
}

/** Keeps the canonical order and drops anything unknown. */
export function normalizeScopes(scopes: Iterable<string>): Scope[] {
  const set = new Set(scopes);
  return SCOPES.filter((s) => set.has(s));
}

export function formatScopes(scopes: readonly string[]): string {
  return scopes.join(' ');
}
