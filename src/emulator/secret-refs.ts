/**
 * Service secret references in option values. OSC resolves an option whose whole value is
 * `{{secrets.<name>}}` from the tenant's secrets for that service when the instance starts
 * (the form the Terraform provider's `osc_secret.ref` produces and its `osc_instance` passes,
 * terraform-provider-osc `internal/provider/osc_secret.go`, CHANGELOG "Unreleased"). A value
 * that only contains a reference inside a longer string is passed as-is (GUESS: no source
 * shows OSC substituting inside strings).
 */
import { inner } from './maps.js';
import type { Tenant } from './records.js';

export const SECRET_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const REF = /^\{\{secrets\.([A-Za-z0-9_-]{1,64})\}\}$/;

/** The secret a value refers to, when the whole value is a reference. */
export function secretRefName(value: unknown): string | undefined {
  return typeof value === 'string' ? REF.exec(value)?.[1] : undefined;
}

export function secretsOf(tenant: Tenant, serviceId: string): Map<string, string> {
  return inner(tenant.secrets, serviceId);
}

/** Options with references replaced by the secrets' values, and the names that did not resolve. */
export function resolveOptions(
  tenant: Tenant,
  serviceId: string,
  options: Record<string, unknown>,
): { resolved: Record<string, unknown>; missing: string[] } {
  const secrets = tenant.secrets.get(serviceId);
  const resolved: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    const ref = secretRefName(value);
    if (ref === undefined) resolved[key] = value;
    else if (secrets?.has(ref)) resolved[key] = secrets.get(ref);
    else missing.push(ref);
  }
  return { resolved, missing };
}
