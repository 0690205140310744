/** list_services (src/mcp/tools/list-services.ts) against the in-memory OSC fake. */
import { describe, expect, it } from 'vitest';
import { GrantRevokedError } from '../../../../src/errors.js';
import { UpstreamServerError } from '../../../../src/errors.js';
import { defaultWorld, FakeOscPlatform, type FakeService } from '../../../support/fakes/osc-platform.js';
import { inMemoryMcp, textOf } from '../../../support/mcp-in-memory.js';

describe('list_services', () => {
  it('lists the subscribed services with category and price, never the unsubscribed ones', async () => {
    const r = await inMemoryMcp(new FakeOscPlatform()).call('list_services');
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toEqual({
      services: [
        {
          serviceId: 'minio-minio',
          title: 'MinIO',
          category: 'test',
          description: 'MinIO in your workspace',
          pricing: '3 OSC tokens per day per instance',
        },
        {
          serviceId: 'eyevinn-test-adserver',
          title: 'Test Adserver',
          category: 'test',
          description: 'Test Adserver in your workspace',
          pricing: '1 OSC tokens per day per instance',
        },
      ],
      count: 2,
      truncated: false,
    });
    expect(textOf(r)).toBe(
      [
        '2 subscribed service(s):',
        '- minio-minio: MinIO [test] (3 OSC tokens per day per instance)',
        '- eyevinn-test-adserver: Test Adserver [test] (1 OSC tokens per day per instance)',
      ].join('\n'),
    );
  });

  it('filters by category and by a word in the id, title or description', async () => {
    const world = defaultWorld();
    world.services[0]!.category = 'storage';
    const mcp = inMemoryMcp(new FakeOscPlatform(world));
    const byCategory = await mcp.call('list_services', { category: 'storage' });
    expect(
      (byCategory.structuredContent as { services: Array<{ serviceId: string }> }).services.map((s) => s.serviceId),
    ).toEqual(['minio-minio']);
    const byWord = await mcp.call('list_services', { query: 'ADSERVER' });
    expect(
      (byWord.structuredContent as { services: Array<{ serviceId: string }> }).services.map((s) => s.serviceId),
    ).toEqual(['eyevinn-test-adserver']);
    const none = await mcp.call('list_services', { query: 'nothing-like-this' });
    expect(none.structuredContent).toEqual({ services: [], count: 0, truncated: false });
    expect(textOf(none)).toBe('No subscribed services match.');
  });

  it('shows at most 200 services, says how many there are, and strips control characters from catalog text', async () => {
    const world = defaultWorld();
    const many: FakeService[] = Array.from({ length: 250 }, (_, i) => ({
      ...world.services[2]!,
      serviceId: `svc-${i}`,
      title: `Svc\u001b[31m ${i}\u0007`,
    }));
    const r = await inMemoryMcp(
      new FakeOscPlatform({ ...world, services: many, subscribed: many.map((s) => s.serviceId) }),
    ).call('list_services');
    const out = r.structuredContent as { services: Array<{ title: string }>; count: number; truncated: boolean };
    expect(out.count).toBe(250);
    expect(out.truncated).toBe(true);
    expect(out.services).toHaveLength(200);
    expect(out.services[0]!.title).toBe('Svc 0');
    expect(textOf(r).split('\n')[0]).toBe('250 subscribed service(s), first 200 shown:');
  });

  it('an OSC failure is a tool result in our words with a reference; a dead grant asks for re-authorization', async () => {
    const osc = new FakeOscPlatform();
    osc.failNext(
      'listServices',
      new UpstreamServerError('OSC failed', { status: 503, detail: 'upstream said secret-thing' }),
    );
    osc.failNext('listServices', new GrantRevokedError());
    const mcp = inMemoryMcp(osc);
    const failed = await mcp.call('list_services');
    expect(failed.isError).toBe(true);
    expect(textOf(failed)).toMatch(
      /^OSC failed to handle the request\. Try again in a little while\. \(reference [0-9a-f]{12}\)$/,
    );
    expect(textOf(failed)).not.toContain('secret-thing');
    const revoked = await mcp.call('list_services');
    expect(textOf(revoked)).toMatch(/^Re-authorization required: /);
  });
});
