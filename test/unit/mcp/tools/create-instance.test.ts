/** create_instance (src/mcp/tools/create-instance.ts, wait-ready.ts) against the in-memory OSC fake. */
import { describe, expect, it } from 'vitest';
import { UpstreamServerError } from '../../../../src/errors.js';
import { defaultWorld, FakeOscPlatform } from '../../../support/fakes/osc-platform.js';
import { inMemoryMcp, textOf } from '../../../support/mcp-in-memory.js';
import { createLogger } from '../../../../src/log.js';
import createInstance from '../../../../src/mcp/tools/create-instance.js';

const minio = {
  serviceId: 'minio-minio',
  name: 'store1',
  options: { RootUser: 'admin', RootPassword: 'hunter2secret' },
};
type Created = {
  instance: { name: string; fields: Record<string, unknown> };
  subscribed: boolean;
  ready?: boolean;
  health?: string;
};

describe('create_instance', () => {
  it('a secret option given as "{{secrets.<name>}}" is sent as the reference and draws no note', async () => {
    const osc = new FakeOscPlatform();
    const r = await inMemoryMcp(osc).call('create_instance', {
      ...minio,
      options: { RootUser: 'admin', RootPassword: '{{secrets.rootpw}}' },
    });
    expect(r.isError).toBeFalsy();
    expect((r.structuredContent as { plainSecrets: string[] }).plainSecrets).toEqual([]);
    expect(textOf(r)).not.toContain('Note:');
    expect(osc.instanceOptions('minio-minio', 'store1')).toEqual({
      RootUser: 'admin',
      RootPassword: '{{secrets.rootpw}}',
    });
  });

  it('creates once, redacts the credentials it echoes, and the instance costs tokens', async () => {
    const osc = new FakeOscPlatform();
    const r = await inMemoryMcp(osc).call('create_instance', minio);
    expect(r.isError).toBeFalsy();
    const out = r.structuredContent as Created;
    expect(out.subscribed).toBe(false);
    expect(out.ready).toBeUndefined();
    expect(out.instance).toMatchObject({ name: 'store1', fields: { RootUser: 'admin', RootPassword: '[redacted]' } });
    expect(textOf(r)).toBe(
      'Created "store1" of "minio-minio" at https://minio-minio-store1.fake.osaas.io. It spends OSC tokens daily until deleted. Credentials in the result are redacted.' +
        ' Note: "RootPassword" is a secret option and was given as a plain value, so the value passed through this chat and the model saw it. ' +
        'Next time, have the user store it as a service secret (list_secrets shows the names) and pass "{{secrets.<name>}}" instead.',
    );
    expect((r.structuredContent as { plainSecrets: string[] }).plainSecrets).toEqual(['RootPassword']);
    expect(JSON.stringify(r)).not.toContain('hunter2secret');
    expect(osc.calls.createInstance).toBe(1);
    expect(osc.instanceNames('minio-minio')).toEqual(['store1']);
  });

  it('subscribes the workspace first when it is not subscribed (the only tool that may)', async () => {
    const osc = new FakeOscPlatform();
    const r = await inMemoryMcp(osc).call('create_instance', {
      serviceId: 'apache-couchdb',
      name: 'db1',
      options: { AdminPassword: 'pw-123456' },
    });
    expect((r.structuredContent as Created).subscribed).toBe(true);
    expect(osc.calls.subscribe).toBe(1);
    expect(osc.instanceNames('apache-couchdb')).toEqual(['db1']);
  });

  it('options that do not fit the schema: nothing is sent, every problem is named', async () => {
    const osc = new FakeOscPlatform();
    const r = await inMemoryMcp(osc).call('create_instance', {
      serviceId: 'minio-minio',
      name: 'store1',
      options: { rootuser: 'admin' },
    });
    expect(r.isError).toBe(true);
    const text = textOf(r);
    expect(text).toMatch(/^Nothing was created: the options for "store1" of "minio-minio" need fixing\./);
    expect(text).toContain('missing mandatory option');
    expect(text).toContain('unknown option "rootuser" (did you mean "RootUser"?)');
    expect(osc.calls.createInstance).toBeUndefined();
  });

  it('the create quota is spent only on a create that is sent; a spent quota sends nothing', async () => {
    const osc = new FakeOscPlatform();
    const mcp = inMemoryMcp(osc);
    let spent = 0;
    const spendCreate = async () => ({ allowed: ++spent <= 1, retryAfterS: 90 });
    await mcp.call('create_instance', { ...minio, options: {} }, { spendCreate });
    expect(spent).toBe(0);
    expect((await mcp.call('create_instance', minio, { spendCreate })).isError).toBeFalsy();
    const refused = await mcp.call('create_instance', { ...minio, name: 'store2' }, { spendCreate });
    expect(textOf(refused)).toMatch(
      /^Nothing was created: this connection has reached its quota of instance creates for now\. Try again in about 2 minutes\./,
    );
    expect(osc.calls.createInstance).toBe(1);
  });

  it('never retried: an ambiguous failure says the outcome is unknown after exactly one attempt (UPSTREAM-09)', async () => {
    const osc = new FakeOscPlatform();
    osc.failNext('createInstance', new UpstreamServerError('OSC failed', { status: 504 }));
    const r = await inMemoryMcp(osc).call('create_instance', minio);
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(
      /^OSC failed to handle the request, so the outcome is unknown: the change may or may not have happened\. Check with get_instance or list_instances/,
    );
    expect(osc.calls.createInstance).toBe(1);
  });

  it('a name already taken is a conflict in our words', async () => {
    const osc = new FakeOscPlatform();
    const mcp = inMemoryMcp(osc);
    await mcp.call('create_instance', minio);
    const again = await mcp.call('create_instance', minio);
    expect(textOf(again)).toMatch(
      /^OSC reported a conflict: an instance "store1" of service "minio-minio" probably exists already\./,
    );
  });

  it('a plan that cannot pay is refused in our words', async () => {
    const r = await inMemoryMcp(new FakeOscPlatform({ ...defaultWorld(), tokens: 2 })).call('create_instance', minio);
    expect(textOf(r)).toMatch(/^OSC refused this: your plan or token balance does not allow it/);
  });

  it('with wait: polls health, reports progress, and says it runs', async () => {
    const osc = new FakeOscPlatform({ ...defaultWorld(), startMs: 0 });
    const progress: Array<{ progress: number; message?: string }> = [];
    const r = await inMemoryMcp(osc).call(
      'create_instance',
      { ...minio, wait: true, waitSeconds: 5 },
      { onProgress: (p) => progress.push(p) },
    );
    const out = r.structuredContent as Created;
    expect(out).toMatchObject({ ready: true, health: 'running' });
    expect(textOf(r)).toContain('It is running.');
    expect(progress[0]).toMatchObject({ progress: 0, message: 'creating the instance' });
    expect(osc.calls.instanceHealth).toBe(1);
  });

  describe('the create request’s own bound', () => {
    const contextFor = (osc: FakeOscPlatform, signal: AbortSignal) => ({
      osc,
      log: createLogger({ level: 'silent' }),
      clock: osc.clock,
      signal,
      correlationId: 'c0ffee',
    });

    it('the call’s signal stops the requests, with its reason', async () => {
      const osc = new FakeOscPlatform();
      osc.describeService = (_id: string, signal: AbortSignal) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      const call = new AbortController();
      const run = createInstance.handler(minio, contextFor(osc, call.signal));
      call.abort(new Error('client left'));
      await expect(run).rejects.toThrow('client left');
    });

    it('is released once the create is sent: its signal is aborted (and its timer cleared)', async () => {
      const osc = new FakeOscPlatform();
      let seen: AbortSignal | undefined;
      const create = osc.createInstance.bind(osc);
      osc.createInstance = (serviceId, name, options, signal) => {
        seen = signal;
        expect(signal.aborted).toBe(false);
        return create(serviceId, name, options, signal);
      };
      await createInstance.handler(minio, contextFor(osc, new AbortController().signal));
      expect(seen?.aborted).toBe(true);
    });
  });
});
