/**
 * `/__emulator/*` knobs that shape the emulated world: tenants, instances (README.md lists
 * every body). Mounted by admin.ts.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { EmulatorState } from '../state.js';
import { input } from './admin-input.js';

const instanceRef = z.object({ tenantId: z.string(), serviceId: z.string(), name: z.string() });

export function adminWorldRouter(state: EmulatorState): Router {
  const r = Router();
  const ok = (res: Response, extra: object = {}) => res.json({ ok: true, ...extra });
  const findInstance = (ref: z.infer<typeof instanceRef>) =>
    state.tenants.get(ref.tenantId)?.instances.get(ref.serviceId)?.get(ref.name);

  r.get('/tenants/:id', (req, res) => {
    const t = state.tenants.get(String(req.params.id));
    if (!t) return void res.status(404).json({ error: 'unknown_tenant' });
    res.json({
      id: t.id,
      plan: t.plan,
      availableTokens: t.availableTokens,
      usedTokens: t.usedTokens,
      subscriptions: [...t.subscriptions],
      instances: Object.fromEntries([...t.instances].map(([sid, m]) => [sid, [...m.keys()]])),
      secrets: Object.fromEntries([...t.secrets].map(([sid, m]) => [sid, [...m.keys()]])),
      apps: [...t.apps.values()].map((a) => a.name),
      gitCredentials: [...t.gitCredentials.keys()],
    });
  });
  r.post('/tenants/:id', (req, res) => {
    const t = state.tenants.get(String(req.params.id));
    if (!t) return void res.status(404).json({ error: 'unknown_tenant' });
    const b = input(
      z.object({
        plan: z.enum(['FREE', 'PERSONAL', 'PROFESSIONAL']).optional(),
        availableTokens: z.number().int().optional(),
        usedTokens: z.number().int().optional(),
        subscriptions: z.array(z.string()).optional(),
        gitCredentials: z.record(z.string().regex(/^[a-z0-9-]{1,40}$/), z.string().max(4096)).optional(),
      }),
      req,
      res,
    );
    if (!b) return;
    if (b.plan) t.plan = b.plan;
    if (b.availableTokens !== undefined) t.availableTokens = b.availableTokens;
    if (b.usedTokens !== undefined) t.usedTokens = b.usedTokens;
    if (b.subscriptions) t.subscriptions = new Set(b.subscriptions);
    for (const [name, token] of Object.entries(b.gitCredentials ?? {})) {
      t.gitCredentials.set(name, token);
      state.recordSecret('git_token', token);
    }
    ok(res);
  });

  // Shape an instance: append log text (MCP-07), force a health status, close its TCP port.
  r.post('/instance', (req, res) => {
    const b = input(
      instanceRef.extend({
        logs: z.string().optional(),
        health: z.string().nullable().optional(),
        publicAccess: z.boolean().optional(),
      }),
      req,
      res,
    );
    if (!b) return;
    const inst = findInstance(b);
    if (!inst) return void res.status(404).json({ error: 'unknown_instance' });
    if (b.logs !== undefined) inst.logs.push(...b.logs.split('\n'));
    if (b.health === null) delete inst.healthOverride;
    else if (b.health !== undefined) inst.healthOverride = b.health;
    if (b.publicAccess !== undefined) inst.publicAccess = b.publicAccess;
    ok(res);
  });

  // Does the running instance hold this option value (after secret resolution)? Lets a test
  // prove a generated password reached the database without the emulator ever showing it.
  r.post('/instance/check', (req, res) => {
    const b = input(instanceRef.extend({ option: z.string(), value: z.string() }), req, res);
    if (!b) return;
    const inst = findInstance(b);
    if (!inst) return void res.status(404).json({ error: 'unknown_instance' });
    res.json({ matches: inst.resolved[b.option] === b.value, failure: inst.failure ?? null });
  });

  // A Git repository as builds see it: private (a clone needs `token`), its refs, a failing build.
  r.post('/repos', (req, res) => {
    const b = input(
      z.object({
        url: z.string().url().max(2048),
        token: z.string().max(4096).optional(),
        refs: z.array(z.string().max(200)).max(1000).optional(),
        failBuild: z.string().max(65_536).optional(),
      }),
      req,
      res,
    );
    if (!b) return;
    const { url, ...spec } = b;
    state.repos.set(url, spec);
    if (spec.token) state.recordSecret('git_token', spec.token);
    ok(res);
  });

  // The next `times` My App builds (any tenant) fail with this build output.
  r.post('/builds', (req, res) => {
    const b = input(
      z.object({ fail: z.string().min(1).max(65_536), times: z.number().int().min(1).max(100).default(1) }),
      req,
      res,
    );
    if (!b) return;
    for (let i = 0; i < b.times; i++) state.failingBuilds.push(b.fail);
    ok(res, { armed: state.failingBuilds.length });
  });

  return r;
}
