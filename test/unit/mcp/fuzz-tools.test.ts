/**
 * FUZZ-01, the wire (issue 16 class 7; INPUT-04, INPUT-05, MCP-06): generated argument
 * objects per tool through the real SDK client and our server over an in-memory transport,
 * against the in-memory OSC fake (its clock, so a generated wait costs no wall time). Every
 * call ends in an answer within its deadline: a result, our tool error, or the SDK's own
 * refusal of arguments the schema does not accept; never our internal-failure wording, never
 * an output the tool's schema refuses, never a hang, never a polluted prototype. The SDK
 * path costs ten times the schema and handler alone, so the 10,000 per schema run there:
 * test/support/fuzz-schemas.ts.
 */
import fc from 'fast-check';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { buildMcpServer } from '../../../src/mcp/server.js';
import { TOOLS } from '../../../src/mcp/tools/index.js';
import { CALL_TIMEOUT_MS, fuzzContext, INTERNAL_FAILURE, prototypeClean, schemaArgs } from '../../support/fuzz-args.js';

const RUNS = 200;

describe('FUZZ-01: every tool argument schema under generated calls through the SDK client', () => {
  it.each(TOOLS.map((t) => [t.name, t.inputSchema] as const))('%s', async (name, shape) => {
    const server = buildMcpServer(fuzzContext());
    const client = new Client({ name: 'fuzz', version: '1' });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(a);
    await client.connect(b);
    const outcomes = { ok: 0, toolError: 0, refusedArgs: 0 };
    try {
      await fc.assert(
        fc.asyncProperty(schemaArgs(shape), async (args) => {
          const r = await client.callTool({ name, arguments: args }, { timeout: CALL_TIMEOUT_MS * 2 });
          const text = JSON.stringify(r.content);
          if (text.includes(INTERNAL_FAILURE) || text.includes('Output validation error'))
            throw new Error(`internal failure for ${JSON.stringify(args).slice(0, 200)}: ${text.slice(0, 200)}`);
          // The SDK answers arguments the schema refuses as a tool error in its own words.
          if (r.isError && text.includes('Input validation error')) outcomes.refusedArgs += 1;
          else if (r.isError) outcomes.toolError += 1;
          else outcomes.ok += 1;
          return prototypeClean();
        }),
        { numRuns: RUNS },
      );
    } finally {
      await client.close();
      await server.close();
    }
    expect(outcomes.ok + outcomes.toolError + outcomes.refusedArgs).toBe(RUNS);
  });
});
