/**
 * The `OscPlatform` contract (src/osc/platform.ts): one suite, run against the SDK adapter
 * over the emulator (test/integration/osc/sdk-platform.test.ts) and against the in-memory
 * fake (test/unit/osc/platform.test.ts). Whatever a tool test learns from the fake then holds
 * for the real adapter: the same results, the same typed failures.
 *
 * The world each case starts from: a workspace subscribed to `subscribed` (a service with a
 * mandatory option and one flagged sensitive) and not to `unsubscribed` (a service that
 * exists in the catalog), no instances, and a token balance that pays for a few instances.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OscPlatform } from '../../src/osc/platform.js';
import {
  ServiceNotSubscribedError,
  UpdateNotSupportedError,
  UpstreamClientError,
  UpstreamConflictError,
  UpstreamNotFoundError,
  UpstreamTimeoutError,
} from '../../src/errors.js';

export interface PlatformWorld {
  platform: OscPlatform;
  subscribed: { serviceId: string; options: Record<string, string>; sensitive: string; mandatory: string };
  unsubscribed: { serviceId: string; options: Record<string, string> };
  /** Moves the world's clock (an instance leaves `starting` after its start delay). */
  advance(ms: number): Promise<void>;
  cleanup?(): Promise<void>;
}

const signal = () => AbortSignal.timeout(10_000);
const CONFIG_SVC = 'eyevinn-app-config-svc';
const fresh = () => `c${randomBytes(5).toString('hex')}`;

export function describeOscPlatform(label: string, makeWorld: () => Promise<PlatformWorld>): void {
  describe(`OscPlatform contract: ${label}`, () => {
    let w: PlatformWorld;
    let p: OscPlatform;
    beforeEach(async () => {
      w = await makeWorld();
      p = w.platform;
    });
    afterEach(async () => {
      await w.cleanup?.();
    });
    const create = (name = fresh()) => p.createInstance(w.subscribed.serviceId, name, w.subscribed.options, signal());

    it('lists the subscribed services only, each with its options', async () => {
      const services = await p.listServices(signal());
      const ids = services.map((s) => s.serviceId);
      expect(ids).toContain(w.subscribed.serviceId);
      expect(ids).not.toContain(w.unsubscribed.serviceId);
      const svc = services.find((s) => s.serviceId === w.subscribed.serviceId)!;
      expect(svc.title.length).toBeGreaterThan(0);
      expect(svc.options.find((o) => o.name === w.subscribed.mandatory)).toMatchObject({ mandatory: true });
      expect(svc.options.find((o) => o.name === w.subscribed.sensitive)).toMatchObject({ sensitive: true });
    });

    it('describes a subscribed service as the list shows it; an unsubscribed one is ServiceNotSubscribedError', async () => {
      const listed = (await p.listServices(signal())).find((s) => s.serviceId === w.subscribed.serviceId);
      expect(await p.describeService(w.subscribed.serviceId, signal())).toEqual(listed);
      await expect(p.describeService(w.unsubscribed.serviceId, signal())).rejects.toBeInstanceOf(
        ServiceNotSubscribedError,
      );
    });

    it('reads never subscribe: every instance operation on an unsubscribed service is ServiceNotSubscribedError', async () => {
      const id = w.unsubscribed.serviceId;
      await expect(p.listInstances(id, signal())).rejects.toBeInstanceOf(ServiceNotSubscribedError);
      await expect(p.getInstance(id, 'x1', signal())).rejects.toBeInstanceOf(ServiceNotSubscribedError);
      await expect(p.instanceHealth(id, 'x1', signal())).rejects.toBeInstanceOf(ServiceNotSubscribedError);
      await expect(p.readLogs(id, 'x1', signal())).rejects.toBeInstanceOf(ServiceNotSubscribedError);
      await expect(p.restartInstance(id, 'x1', signal())).rejects.toBeInstanceOf(ServiceNotSubscribedError);
      await expect(p.createInstance(id, 'x1', w.unsubscribed.options, signal())).rejects.toBeInstanceOf(
        ServiceNotSubscribedError,
      );
      expect((await p.listServices(signal())).map((s) => s.serviceId)).not.toContain(id);
    });

    it('subscribe adds the service; then it can be described and get instances', async () => {
      const svc = await p.subscribe(w.unsubscribed.serviceId, signal());
      expect(svc.serviceId).toBe(w.unsubscribed.serviceId);
      expect((await p.listServices(signal())).map((s) => s.serviceId)).toContain(w.unsubscribed.serviceId);
      expect(await p.describeService(w.unsubscribed.serviceId, signal())).toEqual(svc);
      const name = fresh();
      await p.createInstance(w.unsubscribed.serviceId, name, w.unsubscribed.options, signal());
      expect((await p.listInstances(w.unsubscribed.serviceId, signal())).map((i) => i.name)).toEqual([name]);
    });

    it('a new workspace has no instances of a service', async () => {
      expect(await p.listInstances(w.subscribed.serviceId, signal())).toEqual([]);
    });

    it('creates an instance: its document names it, echoes the options, lists the sensitive ones, and says it is starting', async () => {
      const name = fresh();
      const inst = await create(name);
      expect(inst).toMatchObject({ serviceId: w.subscribed.serviceId, name, status: 'starting' });
      expect(inst.url).toMatch(/^https:\/\//);
      expect(inst.fields).toMatchObject(w.subscribed.options);
      expect(inst.sensitive).toContain(w.subscribed.sensitive);
      const got = await p.getInstance(w.subscribed.serviceId, name, signal());
      expect(got).toMatchObject({ serviceId: inst.serviceId, name, url: inst.url, sensitive: inst.sensitive });
      expect((await p.listInstances(w.subscribed.serviceId, signal())).map((i) => i.name)).toEqual([name]);
    });

    it('a name already taken is UpstreamConflictError; a missing mandatory option and an invalid name are UpstreamClientError (400)', async () => {
      const name = fresh();
      await create(name);
      await expect(create(name)).rejects.toBeInstanceOf(UpstreamConflictError);
      const { [w.subscribed.mandatory]: _dropped, ...without } = w.subscribed.options;
      await expect(p.createInstance(w.subscribed.serviceId, fresh(), without, signal())).rejects.toMatchObject({
        name: 'UpstreamClientError',
        status: 400,
      });
      await expect(
        p.createInstance(w.subscribed.serviceId, 'Not-Valid', w.subscribed.options, signal()),
      ).rejects.toBeInstanceOf(UpstreamClientError);
      expect((await p.listInstances(w.subscribed.serviceId, signal())).map((i) => i.name)).toEqual([name]);
    });

    it('an instance unknown to a subscribed service is UpstreamNotFoundError for get, health, logs, restart and delete', async () => {
      const id = w.subscribed.serviceId;
      await expect(p.getInstance(id, 'nosuch1', signal())).rejects.toBeInstanceOf(UpstreamNotFoundError);
      await expect(p.instanceHealth(id, 'nosuch1', signal())).rejects.toBeInstanceOf(UpstreamNotFoundError);
      await expect(p.readLogs(id, 'nosuch1', signal())).rejects.toBeInstanceOf(UpstreamNotFoundError);
      await expect(p.restartInstance(id, 'nosuch1', signal())).rejects.toBeInstanceOf(UpstreamNotFoundError);
      await expect(p.deleteInstance(id, 'nosuch1', signal())).rejects.toBeInstanceOf(UpstreamNotFoundError);
    });

    it('health is starting, then running once the start delay has passed; a restart starts it again', async () => {
      const name = fresh();
      await create(name);
      expect(await p.instanceHealth(w.subscribed.serviceId, name, signal())).toEqual({ status: 'starting' });
      await w.advance(60_000);
      expect(await p.instanceHealth(w.subscribed.serviceId, name, signal())).toEqual({ status: 'running' });
      await p.restartInstance(w.subscribed.serviceId, name, signal());
      expect(await p.instanceHealth(w.subscribed.serviceId, name, signal())).toEqual({ status: 'starting' });
    });

    it("reads an instance's logs as text that names it, not truncated", async () => {
      const name = fresh();
      await create(name);
      const logs = await p.readLogs(w.subscribed.serviceId, name, signal());
      expect(logs.truncated).toBe(false);
      expect(logs.text).toContain(name);
    });

    it('deletes an instance: gone from get and list; a name OSC could not hold is refused before any call (RangeError)', async () => {
      const name = fresh();
      await create(name);
      await p.deleteInstance(w.subscribed.serviceId, name, signal());
      await expect(p.getInstance(w.subscribed.serviceId, name, signal())).rejects.toBeInstanceOf(UpstreamNotFoundError);
      expect(await p.listInstances(w.subscribed.serviceId, signal())).toEqual([]);
      await expect(p.deleteInstance(w.subscribed.serviceId, '../x', signal())).rejects.toBeInstanceOf(RangeError);
    });

    it('the balance names the plan and counts tokens; an instance costs tokens', async () => {
      const before = await p.tokenBalance(signal());
      expect(before.plan).toMatch(/^[A-Z]+$/);
      expect(before.remaining).toEqual(expect.any(Number));
      await create();
      const after = await p.tokenBalance(signal());
      expect(after.remaining).toBeLessThan(before.remaining!);
      expect(after.plan).toBe(before.plan);
    });

    it('service secrets: saved, listed by name only, replaced, deleted; a bad name is UpstreamClientError, a missing one UpstreamNotFoundError', async () => {
      const id = w.subscribed.serviceId;
      const secret = fresh();
      expect(await p.listSecrets(id, signal())).not.toContain(secret);
      await p.saveSecret(id, secret, 'value-one', signal());
      expect(await p.listSecrets(id, signal())).toContain(secret);
      await p.saveSecret(id, secret, 'value-two', signal());
      expect((await p.listSecrets(id, signal())).filter((n) => n === secret)).toEqual([secret]);
      await expect(p.saveSecret(id, 'not a name', 'v', signal())).rejects.toBeInstanceOf(UpstreamClientError);
      await p.deleteSecret(id, secret, signal());
      expect(await p.listSecrets(id, signal())).not.toContain(secret);
      await expect(p.deleteSecret(id, secret, signal())).rejects.toBeInstanceOf(UpstreamNotFoundError);
    });

    it('endpoints: the public URL, the internal DNS name and ports, whether public access is on; unknown instance is UpstreamNotFoundError', async () => {
      const name = fresh();
      const inst = await create(name);
      const e = await p.instanceEndpoints(w.subscribed.serviceId, name, signal());
      expect(e.url).toBe(inst.url);
      expect(e.internalDns).toMatch(new RegExp(name));
      expect(e.internalPorts.length).toBeGreaterThan(0);
      expect(e.publicAccess).toBe(e.external.length > 0);
      await expect(p.instanceEndpoints(w.subscribed.serviceId, 'nosuch1', signal())).rejects.toBeInstanceOf(
        UpstreamNotFoundError,
      );
    });

    it('update changes an option and restarts the instance; unknown instance is UpstreamNotFoundError; a service without updates is UpdateNotSupportedError', async () => {
      const name = fresh();
      await create(name);
      await w.advance(60_000);
      const updated = await p.updateInstance(
        w.subscribed.serviceId,
        name,
        { [w.subscribed.mandatory]: 'changed1' },
        signal(),
      );
      expect(updated.fields[w.subscribed.mandatory]).toBe('changed1');
      expect(await p.instanceHealth(w.subscribed.serviceId, name, signal())).toEqual({ status: 'starting' });
      expect((await p.getInstance(w.subscribed.serviceId, name, signal())).fields[w.subscribed.mandatory]).toBe(
        'changed1',
      );
      await expect(
        p.updateInstance(w.subscribed.serviceId, 'nosuch1', { [w.subscribed.mandatory]: 'x' }, signal()),
      ).rejects.toBeInstanceOf(UpstreamNotFoundError);
      const store = fresh();
      await p.createConfigStore(store, signal());
      await p.subscribe(CONFIG_SVC, signal());
      await expect(p.updateInstance(CONFIG_SVC, store, { RedisUrl: 'redis://x' }, signal())).rejects.toBeInstanceOf(
        UpdateNotSupportedError,
      );
    });

    it('config stores: created once, exist; plain values set, read and listed; unknown key is UpstreamNotFoundError', async () => {
      const store = fresh();
      expect(await p.configStoreExists(store, signal())).toBe(false);
      await p.createConfigStore(store, signal());
      expect(await p.configStoreExists(store, signal())).toBe(true);
      await expect(p.createConfigStore(store, signal())).rejects.toBeInstanceOf(UpstreamConflictError);
      await w.advance(60_000);
      expect(await p.setConfig(store, 'LOG_LEVEL', 'debug', signal())).toEqual({
        key: 'LOG_LEVEL',
        value: 'debug',
        secret: false,
      });
      await p.setConfig(store, 'LOG_LEVEL', 'info', signal());
      expect(await p.getConfig(store, 'LOG_LEVEL', signal())).toEqual({
        key: 'LOG_LEVEL',
        value: 'info',
        secret: false,
      });
      const page = await p.listConfig(store, 0, signal());
      expect(page).toMatchObject({ total: 1, items: [{ key: 'LOG_LEVEL', value: 'info', secret: false }] });
      expect(page.next).toBeUndefined();
      await expect(p.getConfig(store, 'NOPE', signal())).rejects.toBeInstanceOf(UpstreamNotFoundError);
    });

    it('an aborted signal fails the call with UpstreamTimeoutError and changes nothing', async () => {
      const ac = new AbortController();
      ac.abort();
      await expect(p.listServices(ac.signal)).rejects.toBeInstanceOf(UpstreamTimeoutError);
      await expect(
        p.createInstance(w.subscribed.serviceId, fresh(), w.subscribed.options, ac.signal),
      ).rejects.toBeInstanceOf(UpstreamTimeoutError);
      expect(await p.listInstances(w.subscribed.serviceId, signal())).toEqual([]);
    });
  });
}
