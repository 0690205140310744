/**
 * The one mapping from a failure to the words a model reads (style.md §4.3, §5 rule 5).
 * Every sentence here is ours; OSC's text never appears (sentry-mcp "NEVER return
 * untrusted error messages to AI agents"; SECRETS-03). Names and ids come from the
 * validated arguments only and are quoted.
 */
import { GrantRevokedError, UpstreamUnavailableError } from '../osc/credentials.js';
import {
  UpstreamAuthError,
  UpstreamBadResponseError,
  UpstreamClientError,
  UpstreamConflictError,
  UpstreamError,
  UpstreamNotFoundError,
  UpstreamRateLimitedError,
} from '../osc/errors.js';
import { ServiceNotSubscribedError } from '../osc/platform.js';
import { StoreUnavailableError } from '../grants/store.js';
import { q, ToolInputError } from './tool.js';

export interface FailureContext {
  serviceId?: string;
  name?: string;
  /** The tool changes something (not read-only): an ambiguous failure leaves the outcome unknown. */
  writes: boolean;
}

export interface Failure {
  text: string;
  /** For the log line: expected refusals are info, upstream trouble warn, our bugs error. */
  level: 'info' | 'warn' | 'error';
  /** A short machine tag for logs and metrics. */
  kind: string;
}

const RETRY_LATER = 'Try again in a little while.';

export function describeFailure(err: unknown, c: FailureContext): Failure {
  const svc = c.serviceId ? ` ${q(c.serviceId)}` : '';
  const inst = c.name ? ` ${q(c.name)}` : '';
  if (err instanceof ToolInputError) return { text: err.message, level: 'info', kind: 'input' };
  if (err instanceof GrantRevokedError) {
    return {
      text: 'Re-authorization required: the OSC sign-in behind this connection has ended. Reconnect this MCP server (sign in to OSC again), then retry.',
      level: 'warn',
      kind: 'grant_revoked',
    };
  }
  if (err instanceof UpstreamUnavailableError || err instanceof StoreUnavailableError) {
    return { text: `This server cannot reach what it needs right now. ${RETRY_LATER}`, level: 'warn', kind: 'unavailable' };
  }
  if (err instanceof ServiceNotSubscribedError) {
    return {
      text: `Your workspace is not subscribed to service${svc}, so it has no instances there and its options cannot be read. list_services shows the subscribed services; create_instance subscribes the workspace to a service.`,
      level: 'info',
      kind: 'not_subscribed',
    };
  }
  if (!(err instanceof UpstreamError)) {
    return { text: 'Something went wrong inside osc-mcp while running this tool.', level: 'error', kind: 'internal' };
  }
  if (err instanceof UpstreamNotFoundError) {
    const text = c.name
      ? `OSC has no instance${inst} of service${svc} in your workspace. list_instances shows the instances that exist.`
      : `OSC did not find service${svc}. list_services shows the services of your workspace.`;
    return { text, level: 'info', kind: 'not_found' };
  }
  if (err instanceof UpstreamConflictError) {
    return { text: `OSC reported a conflict: an instance${inst} of service${svc} probably exists already. Choose another name, or use get_instance.`, level: 'info', kind: 'conflict' };
  }
  if (err instanceof UpstreamRateLimitedError) {
    const wait = err.retryAfterMs ? ` Wait ${Math.ceil(err.retryAfterMs / 1000)} seconds, then try again.` : ` ${RETRY_LATER}`;
    return { text: `OSC is limiting requests from your workspace right now.${wait}`, level: 'warn', kind: 'rate_limited' };
  }
  if (err instanceof UpstreamAuthError) {
    return {
      text: `OSC refused access to service${svc}. If an instance was just created or resumed, wait a minute and try again.`,
      level: 'warn',
      kind: 'upstream_auth',
    };
  }
  if (err instanceof UpstreamClientError) {
    if (err.status === 403 || err.status === 402) {
      return {
        text: 'OSC refused this: your plan or token balance does not allow it (token_balance shows both). Do not retry unchanged.',
        level: 'info',
        kind: 'forbidden',
      };
    }
    return { text: `OSC rejected the request as invalid (HTTP ${err.status}). describe_service shows the options a service takes.`, level: 'info', kind: 'rejected' };
  }
  if (err instanceof UpstreamBadResponseError && !c.writes) {
    return { text: `OSC sent a response this server could not read, so nothing from it is shown. ${RETRY_LATER}`, level: 'warn', kind: 'bad_response' };
  }
  // Server error, timeout, network, unreadable reply: for a write the request may have
  // taken effect (a create answered by a 504 while it goes on, osc-api.md B).
  const what =
    err.name === 'UpstreamTimeoutError'
      ? 'did not answer in time'
      : err.name === 'UpstreamNetworkError'
        ? 'could not be reached'
        : err.name === 'UpstreamBadResponseError'
          ? 'sent a response this server could not read'
          : 'failed to handle the request';
  if (c.writes) {
    return {
      text: `OSC ${what}, so the outcome is unknown: the change may or may not have happened. Check with get_instance or list_instances before trying again.`,
      level: 'warn',
      kind: 'unknown_outcome',
    };
  }
  return { text: `OSC ${what}. ${RETRY_LATER}`, level: 'warn', kind: 'upstream_unavailable' };
}
