/**
 * `/__emulator/*` on any host: test knobs and counters (README.md lists every body).
 * Not part of OSC; never counted in `apiCalls` nor logged in `/__emulator/requests`.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { registerConsoleClient, redirectUriProblem } from '../clients.js';
import { faultSchema } from '../faults.js';
import type { EmulatorState } from '../state.js';
import { issueTokenPair } from '../tokens.js';
import { DEMO_USERS } from '../users.js';
import { input } from './admin-input.js';
import { adminWorldRouter } from './admin-world.js';

const configSchema = z.object({
  rememberConsent: z.boolean().optional(),
  autoConsent: z.string().nullable().optional(),
  accessTokenTtlS: z.number().int().positive().optional(),
  refreshTokenTtlS: z.number().int().positive().optional(),
  dcrClientTtlS: z.number().int().positive().optional(),
  satTtlS: z.number().int().positive().optional(),
  instanceStartMs: z.number().int().min(0).optional(),
  serviceStartMs: z.record(z.string().max(100), z.number().int().min(0)).optional(),
  appNameHoldMs: z.number().int().min(0).optional(),
  appBuildQueueMs: z.number().int().min(0).optional(),
  appRebuildGoneMs: z.number().int().min(0).optional(),
});

export function adminRouter(state: EmulatorState): Router {
  const r = Router();
  const ok = (res: Response, extra: object = {}) => res.json({ ok: true, ...extra });

  r.get('/stats', (_q, res) => res.json(state.stats));
  r.get('/users', (_q, res) => res.json(DEMO_USERS));
  r.get('/requests', (_q, res) => res.json(state.requests));
  r.delete('/requests', (_q, res) => {
    state.requests = [];
    ok(res);
  });
  r.get('/secrets', (_q, res) => res.json({ secrets: state.issued, values: state.issued.map((s) => s.value) }));
  r.post('/reset', (_q, res) => {
    state.reset();
    ok(res);
  });

  r.get('/faults', (_q, res) => res.json(state.faults.list()));
  r.delete('/faults', (_q, res) => {
    state.faults.clear();
    ok(res);
  });
  r.post('/faults', (req, res) => {
    const f = input(faultSchema, req, res);
    if (f) {
      state.faults.add(f);
      ok(res);
    }
  });

  r.post('/latency', (req, res) => {
    const b = input(z.object({ ms: z.number().int().min(0).max(600_000) }), req, res);
    if (b) {
      state.latencyMs = b.ms;
      ok(res, { ms: b.ms });
    }
  });

  r.post('/revoke', (req, res) => {
    const b = input(z.object({ userId: z.string() }), req, res);
    if (!b) return;
    if (!state.users.has(b.userId)) return void res.status(404).json({ error: 'unknown_user' });
    ok(res, { revoked: state.revokeUser(b.userId) });
  });

  r.get('/clock', (_q, res) => res.json({ offsetS: state.clock.offsetS, nowMs: state.clock.nowMs() }));
  r.post('/clock', (req, res) => {
    const b = input(z.object({ offsetS: z.number().optional(), advanceS: z.number().optional() }), req, res);
    if (!b) return;
    if (b.offsetS !== undefined) state.clock.set(b.offsetS);
    if (b.advanceS !== undefined) state.clock.advance(b.advanceS);
    res.json({ offsetS: state.clock.offsetS, nowMs: state.clock.nowMs() });
  });

  r.get('/config', (_q, res) => res.json({ ...state.options, rememberConsent: state.rememberConsent }));
  r.post('/config', (req, res) => {
    const b = input(configSchema, req, res);
    if (!b) return;
    if (b.autoConsent && !state.users.has(b.autoConsent)) return void res.status(400).json({ error: 'unknown_user' });
    const { rememberConsent, autoConsent, serviceStartMs, ...ttls } = b;
    if (serviceStartMs) Object.assign(state.options.serviceStartMs, serviceStartMs);
    if (rememberConsent !== undefined) state.rememberConsent = rememberConsent;
    if (autoConsent !== undefined) state.options.autoConsent = autoConsent ?? undefined;
    Object.assign(state.options, ttls);
    res.json({ ...state.options, rememberConsent: state.rememberConsent });
  });

  // A token pair for a demo user without the browser flow (test convenience).
  r.post('/mint', (req, res) => {
    const b = input(z.object({ userId: z.string(), clientId: z.string().default('cli') }), req, res);
    if (!b) return;
    const user = state.users.get(b.userId);
    if (!user || !state.clients.has(b.clientId)) return void res.status(404).json({ error: 'unknown_user_or_client' });
    res.json({ ...issueTokenPair(state, user, b.clientId), client_id: b.clientId, tenantId: user.tenantId });
  });

  // A console-style confidential client (`osc_<24>` / `osc_secret_<64 hex>`).
  r.post('/clients', (req, res) => {
    const b = input(
      z.object({ redirect_uris: z.array(z.string()).min(1), client_name: z.string().default('Console app') }),
      req,
      res,
    );
    if (!b) return;
    const bad = b.redirect_uris.find((u) => redirectUriProblem(u));
    if (bad !== undefined) return void res.status(400).json({ error: 'invalid_redirect_uri' });
    const c = registerConsoleClient(state, b.client_name, b.redirect_uris);
    res
      .status(201)
      .json({ client_id: c.clientId, client_secret: c.secret, redirect_uris: c.redirectUris, client_name: c.name });
  });

  r.use(adminWorldRouter(state));

  r.use((_q, res) => void res.status(404).json({ error: 'unknown_knob' }));
  return r;
}
