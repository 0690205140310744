/**
 * The one mapping from a failure to the words a model reads .
 * Every sentence here is ours; OSC's text never appears (sentry-mcp "NEVER return
 * untrusted error messages to AI agents"; SECRETS-03). Names and ids come from the
 * validated arguments only and are quoted.
 */
import { kindOf, type UpstreamError, type UpstreamRateLimitedError } from '../errors.js';
import { q } from './tool.js';

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

/** One answer: every case below is a level, a tag and our sentence. */
function failure(level: Failure['level'], kind: string, text: string): Failure {
  return { text, level, kind };
}

export function describeFailure(err: unknown, c: FailureContext): Failure {
  const svc = c.serviceId ? ` ${q(c.serviceId)}` : '';
  const inst = c.name ? ` ${q(c.name)}` : '';
  const kind = kindOf(err);
  switch (kind) {
    case 'tool_input':
      return failure('info', 'input', (err as Error).message);
    case 'grant_revoked':
      return failure(
        'warn',
        'grant_revoked',
        'Re-authorization required: the OSC sign-in behind this connection has ended. Reconnect this MCP server (sign in to OSC again), then retry.',
      );
    case 'upstream_unavailable':
    case 'store_unavailable':
      return failure('warn', 'unavailable', `This server cannot reach what it needs right now. ${RETRY_LATER}`);
    case 'not_subscribed':
      return failure(
        'info',
        'not_subscribed',
        `Your workspace is not subscribed to service${svc}, so it has no instances there and its options cannot be read. list_services shows the subscribed services; create_instance subscribes the workspace to a service.`,
      );
    case 'update_not_supported':
      return failure(
        'info',
        'update_not_supported',
        `Not changed: service${svc} does not support changing the options of an existing instance. The alternative is to delete the instance and create it again with the new options, ` +
          'which loses its data and its address and costs a new create. Ask the user before doing that.',
      );
    case 'upstream_not_found': {
      const text = c.name
        ? `OSC has no instance${inst} of service${svc} in your workspace. list_instances shows the instances that exist.`
        : `OSC did not find service${svc}. list_services shows the services of your workspace.`;
      return failure('info', 'not_found', text);
    }
    case 'upstream_conflict':
      return failure(
        'info',
        'conflict',
        `OSC reported a conflict: an instance${inst} of service${svc} probably exists already. Choose another name, or use get_instance.`,
      );
    case 'upstream_rate_limited': {
      const ms = (err as UpstreamRateLimitedError).retryAfterMs;
      const wait = ms ? ` Wait ${Math.ceil(ms / 1000)} seconds, then try again.` : ` ${RETRY_LATER}`;
      return failure('warn', 'rate_limited', `OSC is limiting requests from your workspace right now.${wait}`);
    }
    case 'upstream_auth':
      return failure(
        'warn',
        'upstream_auth',
        `OSC refused access to service${svc}. If an instance was just created or resumed, wait a minute and try again.`,
      );
    case 'upstream_client': {
      const status = (err as UpstreamError).status;
      if (status === 403 || status === 402) {
        return failure(
          'info',
          'forbidden',
          'OSC refused this: your plan or token balance does not allow it (token_balance shows both). Do not retry unchanged.',
        );
      }
      return failure(
        'info',
        'rejected',
        `OSC rejected the request as invalid (HTTP ${status}). describe_service shows the options a service takes.`,
      );
    }
    case 'upstream_bad_response':
      if (!c.writes) {
        return failure(
          'warn',
          'bad_response',
          `OSC sent a response this server could not read, so nothing from it is shown. ${RETRY_LATER}`,
        );
      }
      return ambiguous('sent a response this server could not read', c);
    case 'upstream_timeout':
      return ambiguous('did not answer in time', c);
    case 'upstream_network':
      return ambiguous('could not be reached', c);
    case 'upstream_server':
      return ambiguous('failed to handle the request', c);
    default:
      // Ours but not a tool failure (a seal or OSC OAuth error here is a bug), or not ours at all.
      return failure('error', 'internal', 'Something went wrong inside osc-mcp while running this tool.');
  }
}

/**
 * Server error, timeout, network, unreadable reply: for a write the request may have taken
 * effect (a create answered by a 504 while it goes on, src/osc/platform.ts).
 */
function ambiguous(what: string, c: FailureContext): Failure {
  if (c.writes) {
    return failure(
      'warn',
      'unknown_outcome',
      `OSC ${what}, so the outcome is unknown: the change may or may not have happened. Check with get_instance or list_instances before trying again.`,
    );
  }
  return failure('warn', 'upstream_unavailable', `OSC ${what}. ${RETRY_LATER}`);
}
