/**
 * defineDeleteTool (src/mcp/tools/confirm.ts): every permanent delete in the registry is
 * declared through it, carries DELETES and a `confirm` argument, and refuses without
 * `confirm: true` before OSC is asked (MCP-05).
 */
import { describe, expect, it } from 'vitest';
import { TOOLS } from '../../../../src/mcp/tools/index.js';
import { DELETES } from '../../../../src/mcp/tools/annotations.js';
import { FakeOscPlatform } from '../../../support/fakes/osc-platform.js';
import { inMemoryMcp, textOf } from '../../../support/mcp-in-memory.js';

/** Arguments that name something, valid for each delete tool's schema. */
const ARGS: Record<string, Record<string, unknown>> = {
  delete_instance: { serviceId: 'minio-minio', name: 'store1' },
  delete_secret: { serviceId: 'minio-minio', secretName: 'rootpw' },
  delete_app: { appId: 'myapp' },
};

const deletes = TOOLS.filter((t) => t.annotations.destructiveHint);

describe('permanent deletes', () => {
  it('are exactly the tools in ARGS, each with DELETES and a confirm argument', () => {
    expect(deletes.map((t) => t.name).sort()).toEqual(Object.keys(ARGS).sort());
    for (const t of deletes) {
      expect(t.annotations).toEqual(DELETES);
      expect(Object.keys(t.inputSchema)).toContain('confirm');
    }
  });

  it.each(deletes.map((t) => t.name))('%s without confirm: true is refused and OSC is not called', async (name) => {
    const osc = new FakeOscPlatform();
    const mcp = inMemoryMcp(osc);
    for (const confirm of [undefined, false]) {
      const r = await mcp.call(name, { ...ARGS[name], ...(confirm === undefined ? {} : { confirm }) });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(
        new RegExp(
          `^Not deleted\\. .+ Ask the user, then call ${name} again with confirm: true\\. \\(reference [0-9a-f]{12}\\)$`,
        ),
      );
    }
    expect(osc.calls).toEqual({});
  });
});
