/**
 * Issuing and checking OSC tokens. Access tokens are JWT-shaped PATs (src/emulator/README.md:
 * HS256, `iss: "token.osaas.eyevinn.se"`, `tenantId`, `userId`, `patId`, plus `iat`/`exp`);
 * refresh tokens are opaque `osc_rt_CANARY_<32 hex>` (a canary shape: a leak scan finds it anywhere);
 * SATs are JWTs bound to tenant + service (src/emulator/README.md). Every secret is recorded
 * for `GET /__emulator/secrets`. All expiry checks use the emulator clock.
 */
import { signJwt, verifyJwt } from './jwt.js';
import { hex, uuid } from './random.js';
import type { EmulatorState, Tenant } from './state.js';
import type { DemoUser } from './users.js';

export const PAT_ISSUER = 'token.osaas.eyevinn.se';

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
}

export function issueTokenPair(state: EmulatorState, user: DemoUser, clientId: string): TokenResponse {
  const ttl = state.options.accessTokenTtlS;
  const iat = state.clock.nowS();
  const patId = uuid();
  const access = signJwt(
    { iss: PAT_ISSUER, tenantId: user.tenantId, userId: user.id, patId, clientId, iat, exp: iat + ttl },
    state.jwtKey,
  );
  state.pats.set(patId, { userId: user.id, revoked: false });
  state.recordSecret('pat', access, user.id);
  const refresh = `osc_rt_CANARY_${hex(16)}`;
  state.refreshTokens.set(refresh, {
    userId: user.id,
    clientId,
    expiresAtMs: state.clock.nowMs() + state.options.refreshTokenTtlS * 1000,
    dead: false,
  });
  state.recordSecret('refresh_token', refresh, user.id);
  return { access_token: access, token_type: 'Bearer', expires_in: ttl, refresh_token: refresh };
}

export interface Caller {
  user: DemoUser;
  tenant: Tenant;
}

/** The caller behind a PAT, or undefined when it is not ours, expired or revoked. */
export function verifyPat(state: EmulatorState, token: string): Caller | undefined {
  const claims = verifyJwt(token, state.jwtKey);
  if (!claims || claims.iss !== PAT_ISSUER || typeof claims.patId !== 'string') return undefined;
  if (typeof claims.exp !== 'number' || claims.exp <= state.clock.nowS()) return undefined;
  const rec = state.pats.get(claims.patId);
  if (!rec || rec.revoked) return undefined;
  return caller(state, rec.userId);
}

export function caller(state: EmulatorState, userId: string): Caller | undefined {
  const user = state.users.get(userId);
  const tenant = user ? state.tenants.get(user.tenantId) : undefined;
  return user && tenant ? { user, tenant } : undefined;
}

export interface SatResponse {
  serviceId: string;
  token: string;
  expiry: number;
}

export function issueSat(state: EmulatorState, who: Caller, serviceId: string): SatResponse {
  const iat = state.clock.nowS();
  const expiry = iat + state.options.satTtlS;
  const satId = uuid();
  const token = signJwt(
    { iss: PAT_ISSUER, typ: 'sat', tenantId: who.tenant.id, serviceId, satId, iat, exp: expiry },
    state.jwtKey,
  );
  state.sats.set(satId, { userId: who.user.id, tenantId: who.tenant.id, serviceId, revoked: false });
  state.recordSecret('sat', token, who.user.id);
  return { serviceId, token, expiry };
}

/** The tenant a SAT is good for on this service, or undefined (→ the HTML 401). */
export function verifySat(state: EmulatorState, token: string, serviceId: string): Tenant | undefined {
  const claims = verifyJwt(token, state.jwtKey);
  if (claims?.typ !== 'sat' || typeof claims.satId !== 'string') return undefined;
  if (typeof claims.exp !== 'number' || claims.exp <= state.clock.nowS()) return undefined;
  const rec = state.sats.get(claims.satId);
  if (!rec || rec.revoked || rec.serviceId !== serviceId) return undefined;
  return state.tenants.get(rec.tenantId);
}
