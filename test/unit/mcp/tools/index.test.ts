/**
 * Registry invariants (sentry-mcp `tools.test.ts`, github-mcp-server toolsnaps; MCP-02):
 * unique snake_case names, all four annotations, bounded descriptions that mention OSC
 * token cost, delete destructive and confirmed, no argument that could carry a credential,
 * a URL or a workspace (docs/security.md, "MCP and upstream"), scopes matching read-only-ness, and the JSON Schemas a
 * client sees through the real SDK, snapshotted.
 */
import { describe, expect, it } from 'vitest';
import type { Tool as WireTool } from '@modelcontextprotocol/client';
import { TOOLS } from '../../../../src/mcp/tools/index.js';
import { toolsFor } from '../../../../src/mcp/server.js';
import { FakeOscPlatform } from '../../../support/fakes/osc-platform.js';
import { inMemoryMcp } from '../../../support/mcp-in-memory.js';
import { ALL_TOOLS, READ_TOOLS } from '../../../support/tool-names.js';

const osc = new FakeOscPlatform();
const listed = (scopes: string[]): Promise<WireTool[]> => inMemoryMcp(osc).listTools(scopes);

const FORBIDDEN_ARG = /token|url|uri|authorization|bearer|secret|password|cookie|key|tenant|workspace|host|env/i;
/** Arguments that name a secret and never carry one: OSC's secret name (src/mcp/tool.ts `secretNameArg`). */
const NAMES_A_SECRET = new Set(['secretName', 'passwordSecret']);

describe('tool registry', () => {
  it('names are unique snake_case and the surface stays small', () => {
    const names = TOOLS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)+$/);
    expect(names.length).toBeLessThanOrEqual(26);
    expect(names).toEqual(ALL_TOOLS);
  });

  it.each(TOOLS.map((t) => [t.name, t] as const))('%s declares its posture, cost and scope', (_n, t) => {
    for (const k of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const)
      expect(typeof t.annotations[k]).toBe('boolean');
    expect(t.annotations.openWorldHint).toBe(true);
    expect(t.title.length).toBeGreaterThan(0);
    expect(t.description.length).toBeGreaterThanOrEqual(80);
    expect(t.description.length).toBeLessThanOrEqual(700);
    expect(t.description).toMatch(/OSC tokens/);
    expect(t.scope).toBe(t.annotations.readOnlyHint ? 'osc:read' : 'osc:write');
    if (t.annotations.readOnlyHint) expect(t.annotations.destructiveHint).toBe(false);
    if (t.annotations.destructiveHint) expect(Object.keys(t.inputSchema)).toContain('confirm');
    for (const arg of Object.keys(t.inputSchema)) if (!NAMES_A_SECRET.has(arg)) expect(arg).not.toMatch(FORBIDDEN_ARG);
  });

  it('the deletes are the destructive ones (instances, secrets, apps)', () => {
    expect(TOOLS.filter((t) => t.annotations.destructiveHint).map((t) => t.name)).toEqual([
      'delete_instance',
      'delete_secret',
      'delete_app',
    ]);
  });

  it('scopes: reads (incl. secret names, endpoints, config) under osc:read; writes (incl. secret delete, update, config) under osc:write', () => {
    expect(toolsFor(['osc:read']).map((t) => t.name)).toEqual(READ_TOOLS);
    expect(toolsFor(['osc:write']).map((t) => t.name)).toEqual([
      'create_instance',
      'delete_instance',
      'restart_instance',
      'set_secret',
      'delete_secret',
      'update_instance',
      'create_config_store',
      'set_config',
      'create_database',
      'create_app',
      'restart_app',
      'update_app',
      'delete_app',
    ]);
  });

  it('SECRET-07: set_secret takes a service and a secret name only; any other argument is refused by its schema', async () => {
    const t = (await listed(['osc:write'])).find((x) => x.name === 'set_secret')!;
    expect(Object.keys(t.inputSchema.properties ?? {})).toEqual(['serviceId', 'secretName']);
    expect(t.inputSchema.additionalProperties).toBe(false);
  });

  it('MCP-02: tools/list shows exactly what the grant allows', async () => {
    expect((await listed(['osc:read'])).map((t) => t.name)).toEqual(toolsFor(['osc:read']).map((t) => t.name));
    expect((await listed(['osc:read', 'osc:write'])).map((t) => t.name)).toEqual(TOOLS.map((t) => t.name));
    // Listing tools reaches no OSC.
    expect(osc.calls).toEqual({});
  });

  it('MCP-02: every listed tool has annotations and an output schema; schemas match the snapshots', async () => {
    for (const t of await listed(['osc:read', 'osc:write'])) {
      expect(t.annotations).toMatchObject({
        readOnlyHint: expect.any(Boolean),
        destructiveHint: expect.any(Boolean),
        openWorldHint: expect.any(Boolean),
      });
      expect(t.outputSchema?.type).toBe('object');
      await expect(`${JSON.stringify(t, null, 2)}\n`).toMatchFileSnapshot(`./__toolsnaps__/${t.name}.snap.json`);
    }
  });
});
