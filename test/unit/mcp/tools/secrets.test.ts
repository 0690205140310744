/** list_secrets and delete_secret (src/mcp/tools/list-secrets.ts, delete-secret.ts) against the in-memory OSC fake. */
import { describe, expect, it } from 'vitest';
import { FakeOscPlatform } from '../../../support/fakes/osc-platform.js';
import { inMemoryMcp, textOf } from '../../../support/mcp-in-memory.js';

const signal = () => AbortSignal.timeout(5_000);

async function withSecret(): Promise<FakeOscPlatform> {
  const osc = new FakeOscPlatform();
  await osc.saveSecret('minio-minio', 'rootpw', 'the-value-nobody-sees', signal());
  return osc;
}

describe('list_secrets', () => {
  it('lists names with how to reference them, never a value', async () => {
    const osc = await withSecret();
    const r = await inMemoryMcp(osc).call('list_secrets', { serviceId: 'minio-minio' });
    expect(r.structuredContent).toEqual({ serviceId: 'minio-minio', names: ['rootpw'], count: 1, truncated: false });
    expect(textOf(r)).toBe(
      '1 secret(s) of minio-minio (names only; values are never shown):\n- rootpw → use as "{{secrets.rootpw}}"',
    );
    expect(JSON.stringify(r)).not.toContain('the-value-nobody-sees');
  });

  it('no secrets: says so', async () => {
    const r = await inMemoryMcp(new FakeOscPlatform()).call('list_secrets', { serviceId: 'minio-minio' });
    expect(r.structuredContent).toMatchObject({ names: [], count: 0 });
    expect(textOf(r)).toBe('Service minio-minio has no secrets in your workspace.');
  });

  it('osc:read is enough; a bad service id is refused before OSC', async () => {
    const osc = await withSecret();
    const mcp = inMemoryMcp(osc);
    expect(
      (await mcp.call('list_secrets', { serviceId: 'minio-minio' }, { scopes: ['osc:read'] })).isError,
    ).toBeFalsy();
    expect((await mcp.call('list_secrets', { serviceId: '../x' })).isError).toBe(true);
    expect(osc.calls.listSecrets).toBe(1);
  });
});

describe('delete_secret', () => {
  it('without confirm: true nothing is deleted and OSC is not asked (MCP-05)', async () => {
    const osc = await withSecret();
    const r = await inMemoryMcp(osc).call('delete_secret', { serviceId: 'minio-minio', secretName: 'rootpw' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(
      /^Not deleted\. Deleting secret "rootpw" of "minio-minio" is permanent, and instances that use it fail at their next start\./,
    );
    expect(osc.calls.deleteSecret).toBeUndefined();
    expect(await osc.listSecrets('minio-minio', signal())).toEqual(['rootpw']);
  });

  it('with confirm: true it deletes; a second time it says the secret does not exist', async () => {
    const osc = await withSecret();
    const mcp = inMemoryMcp(osc);
    const r = await mcp.call('delete_secret', { serviceId: 'minio-minio', secretName: 'rootpw', confirm: true });
    expect(r.structuredContent).toEqual({ serviceId: 'minio-minio', secretName: 'rootpw', deleted: true });
    expect(await osc.listSecrets('minio-minio', signal())).toEqual([]);
    const again = await mcp.call('delete_secret', { serviceId: 'minio-minio', secretName: 'rootpw', confirm: true });
    expect(again.isError).toBe(true);
    expect(textOf(again)).toMatch(
      /^Service "minio-minio" has no secret "rootpw" in your workspace; list_secrets shows the names that exist\./,
    );
  });

  it('needs osc:write: a read-only grant cannot call it', async () => {
    const osc = await withSecret();
    await expect(
      inMemoryMcp(osc).call(
        'delete_secret',
        { serviceId: 'minio-minio', secretName: 'rootpw', confirm: true },
        { scopes: ['osc:read'] },
      ),
    ).rejects.toThrow(/Tool delete_secret not found/);
    expect(osc.calls.deleteSecret).toBeUndefined();
  });
});
