/**
 * create_instance: a new instance in the user's workspace; it spends OSC tokens every day
 * it runs. Options are checked against the catalog first (../options.ts), the request is
 * sent once and never retried (UPSTREAM-09: an ambiguous failure may have created it), and
 * an optional bounded wait reports progress (MCP 2025-11-25 utilities/progress).
 * Steady state: 2 OSC calls (the catalog read serves the check and the address) + polls.
 */
import { z } from 'zod';
import { defineTool, instanceArgs, instanceShape, optionsArg, q, ToolInputError, waitSecondsArg } from '../tool.js';
import { checkOptions, plainSensitive, plainSensitiveNote } from '../options.js';
import { redactInstance } from '../redact.js';
import type { Service } from '../../osc/platform.js';
import { waitUntilReady } from './wait-ready.js';
import { ServiceNotSubscribedError } from '../../errors.js';
import { WRITES } from './annotations.js';
import { bounded } from '../../osc/bounded.js';

/** The create request itself; the wait has its own bound. */
const CREATE_MS = 15_000;
const MAX_WAIT_S = 60;

export default defineTool({
  name: 'create_instance',
  title: 'Create an instance',
  description:
    'Creates a new instance of a service in your workspace. It COSTS OSC tokens for every day it runs (describe_service shows the price) ' +
    'and may be refused by your plan. Call describe_service first for the options; this tool checks them and says exactly which are missing or invalid. ' +
    'If the workspace is not subscribed to the service yet, this subscribes it. Set wait: true to wait (up to 60 s) until the instance runs. ' +
    'Not retried automatically: if the outcome is unknown, check list_instances before calling again. ' +
    'Give secret options (passwords, keys) as "{{secrets.<name>}}" references to service secrets (list_secrets), so the value never passes through this chat.',
  scope: 'osc:write',
  inputSchema: {
    ...instanceArgs,
    options: optionsArg
      .optional()
      .describe(
        'Service options by name, as describe_service lists them, e.g. {"RootUser": "admin"}. Secrets may be "{{secrets.<name>}}" references',
      ),
    wait: z.boolean().optional().describe('Wait until the instance is running (default false)'),
    waitSeconds: waitSecondsArg(MAX_WAIT_S, `How long to wait at most, 5-${MAX_WAIT_S} s (default ${MAX_WAIT_S})`),
  },
  outputSchema: {
    instance: z.object(instanceShape),
    ready: z.boolean().optional().describe('With wait: whether it was running before the wait ended'),
    health: z.string().optional(),
    subscribed: z.boolean().describe('True when this call subscribed the workspace to the service'),
    plainSecrets: z
      .array(z.string())
      .describe('Secret options given as plain values (the model saw them) instead of "{{secrets.<name>}}"'),
  },
  annotations: WRITES,
  deadlineMs: CREATE_MS + MAX_WAIT_S * 1000 + 5_000,
  async handler({ serviceId, name, options = {}, wait = false, waitSeconds = MAX_WAIT_S }, ctx) {
    // The create's own bound, from here to the create request (src/osc/bounded.ts: one timer and
    // one controller, released at once; AbortSignal.any over AbortSignal.timeout cost about
    // 40 µs a call and left its 15 s timer behind).
    const { service, subscribed, check, instance } = await bounded(ctx.signal, CREATE_MS, async (createSignal) => {
      let service: Service;
      let subscribed = false;
      try {
        service = await ctx.osc.describeService(serviceId, createSignal);
      } catch (err) {
        if (!(err instanceof ServiceNotSubscribedError)) throw err;
        service = await ctx.osc.subscribe(serviceId, createSignal);
        subscribed = true;
      }
      const check = checkOptions(service, name, options);
      if (check.problems.length > 0) {
        const sub = subscribed ? ` (The workspace is now subscribed to ${q(serviceId)}.)` : '';
        throw new ToolInputError(
          `Nothing was created: the options for ${q(name)} of ${q(serviceId)} need fixing.\n- ${check.problems.join('\n- ')}\ndescribe_service lists every option.${sub}`,
        );
      }
      // The quota is spent here, on a create about to be sent: not on refused options (INPUT-08).
      const quota = await ctx.spendCreate?.();
      if (quota && !quota.allowed) {
        const sub = subscribed ? ` (The workspace is now subscribed to ${q(serviceId)}.)` : '';
        const minutes = Math.max(1, Math.ceil(quota.retryAfterS / 60));
        throw new ToolInputError(
          `Nothing was created: this connection has reached its quota of instance creates for now. Try again in about ${minutes} minute${minutes === 1 ? '' : 's'}.${sub}`,
        );
      }
      // A client that cannot take the notification must not stop the create.
      await ctx
        .progress?.({ progress: 0, total: wait ? waitSeconds : 1, message: 'creating the instance' })
        .catch(() => undefined);
      const instance = redactInstance(await ctx.osc.createInstance(serviceId, name, check.body, createSignal));
      return { service, subscribed, check, instance };
    });
    let ready: boolean | undefined;
    let health: string | undefined;
    if (wait) ({ ready, health } = await waitUntilReady(ctx, serviceId, name, waitSeconds));
    const plain = plainSensitive(service, check.body);
    const state =
      ready === undefined
        ? ''
        : ready
          ? ' It is running.'
          : ` It is not running yet (${health ?? 'unknown'}); get_instance shows its status later.`;
    return {
      structured: { instance, ready, health, subscribed, plainSecrets: plain },
      text: `Created ${q(name)} of ${q(serviceId)}${instance.url ? ` at ${instance.url}` : ''}.${state} It spends OSC tokens daily until deleted. Credentials in the result are redacted.${plainSensitiveNote(plain)}`,
    };
  },
});
