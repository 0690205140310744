/**
 * FUZZ-01 (issue 16 class 7; INPUT-04, INPUT-05, MCP-06): 10,000 generated argument objects
 * per tool schema, each through what the SDK runs for a tools/call: the tool's input schema,
 * then the server's tool runner (deadline, data-only platform, failure wording;
 * src/mcp/server.ts `toolRunner`), then the output schema, against the in-memory OSC fake on
 * its own clock. Every call ends within its deadline: refused by the schema, our tool error,
 * or a result the output schema accepts; never the internal-failure wording, never a hang,
 * never a polluted prototype. The transport and the SDK client add nothing per argument but
 * CPU; their mapping is fuzzed in test/unit/mcp/fuzz-tools.test.ts. No process, no Redis:
 * it lives in the integration project for its CPU time. The count and time per tool are
 * printed. The arguments are built from each tool's own input schema (./fuzz-args.ts
 * `schemaArgs`), and at least MIN_REACHED of them must pass it and reach the handler, so the
 * handlers are fuzzed, not only the schema.
 *
 * The tools are dealt over test/integration/mcp/fuzz-schemas-*.test.ts in registry order,
 * tool i to share i mod SHARES, so vitest runs the shares in parallel workers, a tool added
 * to the registry is in one of them, and the two costliest (create_instance, create_app)
 * fall in different ones.
 */
import fc from 'fast-check';
import type { ServerContext } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { toolRunner } from '../../src/mcp/server.js';
import { TOOLS } from '../../src/mcp/tools/index.js';
import { CALL_TIMEOUT_MS, seededFuzzContext, INTERNAL_FAILURE, prototypeClean, schemaArgs } from './fuzz-args.js';
import { hangWatch } from './hang-watch.js';

const RUNS = 10_000;

/** How many test files the tools are dealt over (test/integration/mcp/fuzz-schemas-*.test.ts). */
export const SHARES = 2;

/** The share of calls that must pass the input schema and reach the handler (ok or tool error), per tool. */
const MIN_REACHED = 0.3;

/** What the SDK hands a tool callback: no progress token, a signal that stays open, no notifications. */
const EXTRA = {
  mcpReq: { signal: new AbortController().signal, notify: async () => undefined },
} as unknown as ServerContext;

/** The FUZZ-01 tests of share `share` (0 to SHARES - 1) of the registry's tools. */
export function fuzzSchemas(share: number): void {
  const mine = TOOLS.filter((_, i) => i % SHARES === share);
  describe('FUZZ-01: every tool argument schema under 10,000 generated calls', () => {
    it.each(mine.map((t) => [t.name, t] as const))(
      '%s',
      async (name, tool) => {
        const run = toolRunner(await seededFuzzContext());
        const input = z.object(tool.inputSchema);
        const output = z.object(tool.outputSchema);
        const outcomes = { ok: 0, toolError: 0, refusedArgs: 0 };
        const started = Date.now();
        const watch = hangWatch(2 * CALL_TIMEOUT_MS);
        // No stack is read on this path (nothing in src reads one, the logger is silent, a failure
        // is reported by its arguments), yet V8 captures one for every error a call throws or a
        // refused argument builds: the fake's not-found and not-subscribed, a tool's input error.
        const stackTraceLimit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
          await fc.assert(
            fc.asyncProperty(schemaArgs(tool.inputSchema), async (args) => {
              const parsed = input.safeParse(args);
              if (!parsed.success) {
                outcomes.refusedArgs += 1;
                return prototypeClean();
              }
              const shown = () => JSON.stringify(args).slice(0, 200);
              const r = await watch.answer(run(tool, parsed.data, EXTRA), shown);
              if (r.isError) {
                const text = JSON.stringify(r.content);
                if (text.includes(INTERNAL_FAILURE)) throw new Error(`internal failure for ${shown()}`);
                outcomes.toolError += 1;
              } else {
                const out = output.safeParse(r.structuredContent);
                if (!out.success) throw new Error(`output the schema refuses for ${shown()}: ${out.error.message}`);
                outcomes.ok += 1;
              }
              return prototypeClean();
            }),
            { numRuns: RUNS },
          );
        } finally {
          Error.stackTraceLimit = stackTraceLimit;
          watch.stop();
        }
        const total = outcomes.ok + outcomes.toolError + outcomes.refusedArgs;
        console.log(
          `FUZZ-01 ${name}: ${total} generated calls in ${((Date.now() - started) / 1000).toFixed(1)} s — ${outcomes.ok} ok, ${outcomes.toolError} tool errors, ${outcomes.refusedArgs} refused by the schema; no internal error, no hang`,
        );
        expect(total).toBe(RUNS);
        expect(outcomes.ok + outcomes.toolError).toBeGreaterThanOrEqual(MIN_REACHED * RUNS);
      },
      120_000,
    );
  });
}
