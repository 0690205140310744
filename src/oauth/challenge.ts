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

/** The header and body of each 401 this server has answered: a handful of fixed combinations. */
const unauthorizedAnswers = new Map<string, { header: string; body: string }>();
/** Bounds the memo should a caller ever pass a varying description. */
const MAX_MEMOISED_ANSWERS = 64;

/**
 * 401: no token, or one we do not accept. The client should (re-)authorize. Every invalid
 * token is answered here, so the header and the JSON body are built once per combination
 * (bench/README.md, invalid-token rejections).
 */
export function sendUnauthorized(
  res: Response,
  opts: ChallengeOptions & { error?: 'invalid_token'; description?: string },
): void {
  const key = `${opts.error ?? ''}\n${opts.description ?? ''}\n${opts.scope ?? ''}\n${opts.resourceMetadataUrl}`;
  let answer = unauthorizedAnswers.get(key);
  if (!answer) {
    answer = {
      header: bearerChallenge(opts),
      body: JSON.stringify({
        error: opts.error ?? 'invalid_token',
        error_description: opts.description ?? 'authorization required',
      }),
    };
    if (unauthorizedAnswers.size < MAX_MEMOISED_ANSWERS) unauthorizedAnswers.set(key, answer);
  }
  res
    .status(401)
    .set('WWW-Authenticate', answer.header)
    .set('Cache-Control', 'no-store')
    .type('application/json')
    .send(answer.body);
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
