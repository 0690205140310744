// Issue "The MCP endpoint and the OSC tools", done-when: the MCP SDK client, after a full
// OAuth flow against `npm run sandbox`, calls every tool, including their error paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startSandbox, type SandboxProcess } from '../support/sandbox-process.js';
import { connectWithOAuth, HeadlessProvider } from '../support/sdk-oauth-provider.js';

let sandbox: SandboxProcess;
let client: Client;
const provider = new HeadlessProvider('alice', 'http://127.0.0.1:7792/callback');

beforeAll(async () => {
  sandbox = await startSandbox({ env: { EMULATOR_INSTANCE_START_MS: '300' } });
  client = await connectWithOAuth(sandbox.mcpUrl, provider, 'e2e');
}, 90_000);

afterAll(async () => {
  await client?.close().catch(() => undefined);
  sandbox?.kill();
});

const call = (name: string, args: Record<string, unknown> = {}) =>
  client.callTool({ name, arguments: args }) as Promise<CallToolResult>;
const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('every tool through the SDK client, on the sandbox', () => {
  it('list_services, describe_service (and an unknown service)', async () => {
    const services = await call('list_services');
    expect(services.isError).toBeFalsy();
    const ids = (services.structuredContent as { services: { serviceId: string }[] }).services.map((s) => s.serviceId);
    expect(ids).toContain('minio-minio');
    const minio = await call('describe_service', { serviceId: 'minio-minio' });
    expect(minio.isError).toBeFalsy();
    expect(JSON.stringify(minio.structuredContent)).toContain('RootPassword');
    const unknown = await call('describe_service', { serviceId: 'no-such-service' });
    expect(unknown.isError).toBe(true);
    expect(text(unknown)).toMatch(/ref [A-Za-z0-9-]+|reference/i);
  });

  it('create_instance: invalid options refused with what is wrong; then created and waited for', async () => {
    const bad = await call('create_instance', { serviceId: 'minio-minio', name: 'e2eminio', options: {} });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toContain('RootUser');
    expect(text(bad)).toContain('RootPassword');
    const ok = await call('create_instance', {
      serviceId: 'minio-minio',
      name: 'e2eminio',
      options: { RootUser: 'admin', RootPassword: 'SuperSecret123' },
      wait: true,
      waitSeconds: 20,
    });
    expect(ok.isError).toBeFalsy();
    expect(JSON.stringify(ok)).not.toContain('SuperSecret123');
    expect((ok.structuredContent as { ready?: boolean }).ready).toBe(true);
  }, 40_000);

  it('list_instances, get_instance (and an unknown one), read_logs', async () => {
    const list = await call('list_instances', { serviceId: 'minio-minio' });
    expect(list.isError).toBeFalsy();
    expect((list.structuredContent as { instances: { name: string }[] }).instances.map((i) => i.name)).toContain(
      'e2eminio',
    );
    const got = await call('get_instance', { serviceId: 'minio-minio', name: 'e2eminio' });
    expect(got.isError).toBeFalsy();
    expect(JSON.stringify(got)).not.toContain('SuperSecret123');
    const missing = await call('get_instance', { serviceId: 'minio-minio', name: 'nosuchone' });
    expect(missing.isError).toBe(true);
    const logs = await call('read_logs', { serviceId: 'minio-minio', name: 'e2eminio' });
    expect(logs.isError).toBeFalsy();
    expect((logs.structuredContent as { lines: string[] }).lines.length).toBeGreaterThan(0);
  });

  it('restart_instance, delete_instance without and with confirm, token_balance', async () => {
    const restarted = await call('restart_instance', { serviceId: 'minio-minio', name: 'e2eminio' });
    expect(restarted.isError).toBeFalsy();
    const unconfirmed = await call('delete_instance', { serviceId: 'minio-minio', name: 'e2eminio' });
    expect(unconfirmed.isError).toBe(true);
    expect(text(unconfirmed)).toMatch(/confirm/i);
    const deleted = await call('delete_instance', { serviceId: 'minio-minio', name: 'e2eminio', confirm: true });
    expect(deleted.isError).toBeFalsy();
    const again = await call('delete_instance', { serviceId: 'minio-minio', name: 'e2eminio', confirm: true });
    expect(again.isError).toBe(true);
    const balance = await call('token_balance');
    expect(balance.isError).toBeFalsy();
    expect(balance.structuredContent).toMatchObject({ plan: 'PROFESSIONAL' });
  });

  it('an unknown tool is a protocol error; bad arguments are a tool error', async () => {
    await expect(call('no_such_tool')).rejects.toBeInstanceOf(McpError);
    const bad = await call('get_instance', { serviceId: 'minio-minio', name: '../etc' });
    expect(bad.isError).toBe(true);
  });
});
