/**
 * Bearer challenges for the resource server (RFC 6750 §3, RFC 9728 §5.1, MCP 2025-11-25
 * authorization "Error Handling" and "Scope Challenge Handling").
 */
import type { Response } from 'express';

export interface ChallengeOptions {
  /** `<PUBLIC_URL>/.well-known/oauth-protected-resource/mcp` */
  resourceMetadataUrl: string;
  /** Scopes to hint in the challenge. */
  scope?: string;
}

function quote(v: string): string {
  return `"${v.replace(/["\\]/g, '')}"`;
}

/** Builds a `WWW-Authenticate: Bearer …` value. */
export function bearerChallenge(
  opts: ChallengeOptions & { error?: 'invalid_token' | 'insufficient_scope' | 'invalid_request'; description?: string },
): string {
  const parts: string[] = [];
  if (opts.error) parts.push(`error=${quote(opts.error)}`);
  if (opts.description) parts.push(`error_description=${quote(opts.description)}`);
  if (opts.scope) parts.push(`scope=${quote(opts.scope)}`);
  parts.push(`resource_metadata=${quote(opts.resourceMetadataUrl)}`);
  return `Bearer ${parts.join(', ')}`;
}

/** 401: no token, or one we do not accept. The client should (re-)authorize. */
export function sendUnauthorized(
  res: Response,
  opts: ChallengeOptions & { error?: 'invalid_token'; description?: string },
): void {
  res
    .status(401)
    .set('WWW-Authenticate', bearerChallenge(opts))
    .set('Cache-Control', 'no-store')
    .json({ error: opts.error ?? 'invalid_token', error_description: opts.description ?? 'authorization required' });
}

/**
 * 403 insufficient_scope naming the scope the operation needs, so a client can step up
 * (MCP 2025-11-25 authorization "Scope Challenge Handling").
 */
export function sendInsufficientScope(res: Response, opts: ChallengeOptions & { scope: string }): void {
  const description = `this operation needs the ${opts.scope} scope`;
  res
    .status(403)
    .set('WWW-Authenticate', bearerChallenge({ ...opts, error: 'insufficient_scope', description }))
    .set('Cache-Control', 'no-store')
    .json({ error: 'insufficient_scope', error_description: description });
}
