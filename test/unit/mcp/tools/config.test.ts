/** create_config_store, set_config, get_config, list_config (src/mcp/tools/*-config*.ts) against the in-memory OSC fake. */
import { describe, expect, it } from 'vitest';
import { UpstreamServerError } from '../../../../src/errors.js';
import { FakeOscPlatform } from '../../../support/fakes/osc-platform.js';
import { inMemoryMcp, textOf } from '../../../support/mcp-in-memory.js';

describe('config stores', () => {
  it('create, set, read back and list; a second create of the name is refused in our words', async () => {
    const osc = new FakeOscPlatform();
    const mcp = inMemoryMcp(osc);
    const c = await mcp.call('create_config_store', { store: 'myapp' });
    expect(c.structuredContent).toEqual({ store: 'myapp', created: true });
    expect(textOf(c)).toMatch(/spends OSC tokens daily until deleted\.$/);
    expect(textOf(await mcp.call('create_config_store', { store: 'myapp' }))).toMatch(
      /^Nothing was created: the name "myapp" is taken/,
    );
    const s = await mcp.call('set_config', { store: 'myapp', parameter: 'LOG_LEVEL', value: 'debug' });
    expect(s.structuredContent).toEqual({ store: 'myapp', parameter: 'LOG_LEVEL', value: 'debug' });
    const g = await mcp.call('get_config', { store: 'myapp', parameter: 'LOG_LEVEL' });
    expect(g.structuredContent).toEqual({ store: 'myapp', parameter: 'LOG_LEVEL', value: 'debug', secret: false });
    expect(textOf(g)).toBe('"LOG_LEVEL" in "myapp" = "debug"');
    const l = await mcp.call('list_config', { store: 'myapp' });
    expect(l.structuredContent).toEqual({
      store: 'myapp',
      items: [{ parameter: 'LOG_LEVEL', value: 'debug', secret: false }],
      total: 1,
    });
  });

  it('secret parameters are masked in get and list, and cannot be overwritten as plain', async () => {
    const osc = new FakeOscPlatform();
    const mcp = inMemoryMcp(osc);
    await mcp.call('create_config_store', { store: 'myapp' });
    osc.putSecretConfig('myapp', 'DB_PASSWORD');
    const g = await mcp.call('get_config', { store: 'myapp', parameter: 'DB_PASSWORD' });
    expect(g.structuredContent).toEqual({ store: 'myapp', parameter: 'DB_PASSWORD', value: '***', secret: true });
    expect(textOf(g)).toBe('"DB_PASSWORD" in "myapp" is a secret parameter; its value is not shown.');
    const l = await mcp.call('list_config', { store: 'myapp' });
    expect(textOf(l)).toContain('- "DB_PASSWORD" = *** (secret)');
    expect(JSON.stringify([g, l])).not.toContain('the-hidden-value');
    expect((await mcp.call('set_config', { store: 'myapp', parameter: 'DB_PASSWORD', value: 'x' })).isError).toBe(true);
  });

  it('no such store or parameter, and a store not running yet, are said in our words', async () => {
    const osc = new FakeOscPlatform();
    const mcp = inMemoryMcp(osc);
    expect(textOf(await mcp.call('set_config', { store: 'nostore', parameter: 'A', value: 'b' }))).toMatch(
      /^There is no config store "nostore" in your workspace; create_config_store makes one\./,
    );
    await mcp.call('create_config_store', { store: 'myapp' });
    expect(textOf(await mcp.call('get_config', { store: 'myapp', parameter: 'NOPE' }))).toMatch(
      /^No parameter "NOPE" in config store "myapp", or no such store/,
    );
    osc.failNext('setConfig', new UpstreamServerError('OSC failed to handle the request', { status: 503 }));
    expect(textOf(await mcp.call('set_config', { store: 'myapp', parameter: 'A', value: 'b' }))).toMatch(
      /^Config store "myapp" is not running yet/,
    );
  });

  it('reads need osc:read only; create and set need osc:write', async () => {
    const osc = new FakeOscPlatform();
    const mcp = inMemoryMcp(osc);
    await expect(mcp.call('create_config_store', { store: 'myapp' }, { scopes: ['osc:read'] })).rejects.toThrow(
      /Tool create_config_store not found/,
    );
    await mcp.call('create_config_store', { store: 'myapp' });
    expect((await mcp.call('list_config', { store: 'myapp' }, { scopes: ['osc:read'] })).isError).toBeFalsy();
    expect(osc.calls.createConfigStore).toBe(1);
  });
});
