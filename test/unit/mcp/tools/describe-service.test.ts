/** describe_service (src/mcp/tools/describe-service.ts) against the in-memory OSC fake. */
import { describe, expect, it } from 'vitest';
import { defaultWorld, FakeOscPlatform, option } from '../../../support/fakes/osc-platform.js';
import { inMemoryMcp, textOf } from '../../../support/mcp-in-memory.js';

describe('describe_service', () => {
  it('lists every option but the name, with type, mandatory and secret flags; a secret option never shows its default', async () => {
    const world = defaultWorld();
    world.services[0]!.options.push(
      option('Region', { type: 'enum', enums: ['eu', 'us'], default: 'eu', regexValidator: '^[a-z]+$' }),
      option('ApiKey', { sensitive: true, default: 'default-key-123' }),
    );
    const r = await inMemoryMcp(new FakeOscPlatform(world)).call('describe_service', { serviceId: 'minio-minio' });
    expect(r.isError).toBeFalsy();
    const out = r.structuredContent as { serviceId: string; pricing: string; options: Array<Record<string, unknown>> };
    expect(out.serviceId).toBe('minio-minio');
    expect(out.pricing).toBe('3 OSC tokens per day per instance');
    expect(out.options.map((o) => o.name)).toEqual(['RootUser', 'RootPassword', 'Region', 'ApiKey']);
    expect(out.options[0]).toMatchObject({ type: 'string', mandatory: true, sensitive: false });
    expect(out.options[1]).toMatchObject({ mandatory: true, sensitive: true });
    expect(out.options[2]).toMatchObject({ enums: ['eu', 'us'], default: 'eu', pattern: '^[a-z]+$' });
    expect(out.options[3]).toMatchObject({ sensitive: true });
    expect(out.options[3]!.default).toBeUndefined();
    expect(textOf(r)).not.toContain('default-key-123');
    expect(textOf(r)).toContain('- RootPassword (string, mandatory, secret: give as "{{secrets.<name>}}")');
    expect(textOf(r)).toMatch(
      /\nSecret options should be given as "\{\{secrets\.<name>\}\}", a reference to a service secret \(list_secrets\), so the value never passes through this chat/,
    );
    expect(textOf(r)).toContain('- Region (enum) one of eu | us');
  });

  it('an unsubscribed service is a tool result pointing at list_services, not an error of the protocol', async () => {
    const r = await inMemoryMcp(new FakeOscPlatform()).call('describe_service', { serviceId: 'apache-couchdb' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/^Your workspace is not subscribed to service "apache-couchdb"/);
  });
});
