/** The pure pre-dispatch decisions of POST /mcp (src/mcp/wire.ts): nesting, tool calls, log labels. */
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, messagesOf, methodLabel, nestsDeeperThan, toolCallsOf } from '../../../src/mcp/wire.js';

const nest = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

describe('nestsDeeperThan (INPUT-02)', () => {
  it('counts arrays and objects, scalars add nothing', () => {
    expect(nestsDeeperThan(1, 0)).toBe(false);
    expect(nestsDeeperThan({}, 0)).toBe(true);
    expect(nestsDeeperThan({ a: [1, { b: 'x' }] }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [1, { b: {} }] }, 3)).toBe(true);
  });

  it('the bound is exact', () => {
    expect(nestsDeeperThan(nest(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(nest(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
  });

  it('30 000 levels (a 64 KB body) are judged without recursion', () => {
    expect(nestsDeeperThan(nest(30_000), MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan(JSON.parse(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`), MAX_JSON_DEPTH)).toBe(true);
  });
});

describe('messages and tool calls', () => {
  it('a single message or a batch; non-objects are not messages', () => {
    const call = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'list_services' } };
    expect(messagesOf(call)).toEqual([call]);
    expect(messagesOf([call, 3, null, { method: 'ping' }])).toEqual([call, { method: 'ping' }]);
    expect(toolCallsOf(messagesOf([call, { method: 'ping' }]))).toEqual([call]);
    expect(messagesOf('x')).toEqual([]);
  });
});

describe('methodLabel', () => {
  it.each([
    [{ method: 'server/discover' }, 'server/discover'],
    [{ method: 'tools/call' }, 'tools/call'],
    [{ method: 'initialize' }, 'initialize'],
    [[{ method: 'ping' }], 'batch'],
    [{ method: 'x'.repeat(500) }, 'other'],
    [{ method: 42 }, 'other'],
    [null, 'other'],
  ])('%j → %s', (body, label) => {
    expect(methodLabel(body)).toBe(label);
  });
});
