/**
 * token_balance: the workspace's plan and OSC token balance (money.svc, src/emulator/README.md).
 * Two OSC calls, in parallel.
 */
import { z } from 'zod';
import { defineTool } from '../tool.js';
import { READ_ONLY } from './annotations.js';

export default defineTool({
  name: 'token_balance',
  title: 'Token balance and plan',
  description:
    'Shows your OSC plan and how many OSC tokens your workspace has left. Instances spend tokens every day they run; ' +
    'check this before creating one. Read-only; spends no OSC tokens.',
  scope: 'osc:read',
  inputSchema: {},
  outputSchema: {
    plan: z.string(),
    remaining: z.number().optional().describe('Tokens left to spend'),
    available: z.number().optional().describe('Tokens granted in the current period'),
    used: z.number().optional().describe('Tokens spent so far'),
  },
  annotations: READ_ONLY,
  async handler(_input, ctx) {
    const b = await ctx.osc.tokenBalance(ctx.signal);
    const plan = b.plan.replace(/[^A-Za-z0-9 _-]/g, '').slice(0, 40) || 'UNKNOWN';
    const left =
      b.remaining === undefined
        ? 'OSC did not report a token balance.'
        : `${b.remaining} OSC tokens left${b.available === undefined ? '' : ` of ${b.available}`}.`;
    return {
      structured: { plan, remaining: b.remaining, available: b.available, used: b.used },
      text: `Plan: ${plan}. ${left}`,
    };
  },
});
