/**
 * Checks of My App request bodies (deploy-apps routes). Names and bounds where no source
 * gives OSC's rule are GUESSES, listed in README.md; credential names follow the Terraform
 * provider (`^[a-z0-9-]{1,40}$`, referenced as `user.gitcred.<name>`), types its
 * `ValidateConfig`, and a `#ref` in the URL is refused as it tells people to use `sourceRef`.
 */
import { APP_TYPES } from './my-apps.js';

export const APP_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const GIT_CREDENTIAL_REF = /^user\.gitcred\.[a-z0-9-]{1,40}$/;
const REF = /^[A-Za-z0-9._/-]{1,200}$/;
const SUB_PATH = /^[A-Za-z0-9._/-]{1,256}$/;
const MAX_URL = 2048;
const MAX_TOKEN = 4096;

/** Why a Git URL is refused, or undefined. */
export function gitUrlProblem(url: unknown): string | undefined {
  if (typeof url !== 'string' || url.length > MAX_URL) return 'gitUrl must be an https URL';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'gitUrl must be an https URL';
  }
  if (u.protocol !== 'https:') return 'gitUrl must be an https URL';
  if (u.username || u.password) return 'gitUrl must not contain credentials';
  if (u.hash || url.includes('#')) return 'Put the branch or tag in sourceRef, not after # in gitUrl';
  return undefined;
}

export function typeProblem(type: unknown): string | undefined {
  return typeof type === 'string' && (APP_TYPES as readonly string[]).includes(type)
    ? undefined
    : `type must be one of ${APP_TYPES.join(', ')}`;
}

export function refProblem(ref: unknown): string | undefined {
  return ref === undefined || ref === null || (typeof ref === 'string' && REF.test(ref) && !ref.includes('..'))
    ? undefined
    : 'Invalid sourceRef';
}

export function subPathProblem(p: unknown): string | undefined {
  return p === undefined || p === null || (typeof p === 'string' && SUB_PATH.test(p) && !p.split('/').includes('..'))
    ? undefined
    : 'Invalid subPath';
}

export function tokenProblem(t: unknown): string | undefined {
  return t === undefined || t === null || (typeof t === 'string' && t.length > 0 && t.length <= MAX_TOKEN)
    ? undefined
    : 'Invalid gitToken';
}

export function credentialProblem(c: unknown): string | undefined {
  return c === undefined || c === null || (typeof c === 'string' && GIT_CREDENTIAL_REF.test(c))
    ? undefined
    : 'gitCredentialRef must be user.gitcred.<name>';
}

/** A string field, null when explicitly null (clear), undefined when absent. */
export function optional(body: Record<string, unknown>, key: string): string | null | undefined {
  const v = body[key];
  return typeof v === 'string' ? v : v === null ? null : undefined;
}
