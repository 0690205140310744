/**
 * The parameter store's API, as an eyevinn-app-config-svc instance serves it on its own host
 * under `/api/v1` (Eyevinn/app-config-svc `src/api_config.ts`, `src/api/errors.ts`,
 * `src/utils/error.ts`; Terraform provider `osc_deploy_api.go` `parameterClient`):
 *   POST   /api/v1/config        {key, value, secret?} → 200 {key, value, secret?} (creates or overwrites)
 *   PUT    /api/v1/config/:key   {value, secret?}      → 200 {key, value, secret?}; 404; 400 secret → plain
 *   GET    /api/v1/config        ?offset&limit&match   → 200 {offset, limit, total, items}
 *   GET    /api/v1/config/:key                         → 200 {key, value, secret?} (`Accept: text/plain` → the value)
 *   DELETE /api/v1/config/:key                         → 200 {message: "Deleted"}; 404
 * Secret values come back as `***` unless `x-config-api-key` carries the store's API key.
 * Fastify's schema errors answer `{statusCode, code: "FST_ERR_VALIDATION", error, message}`.
 */
import type { Request } from 'express';
import { parseBody } from './body.js';
import type { ConfigEntry, Instance } from './records.js';
import { json, type Reply, reason, text } from './reply.js';
import type { EmulatorState } from './state.js';

/** Emulator bounds (the service itself has none). */
export const MAX_KEY_LENGTH = 256;
export const MAX_VALUE_BYTES = 65_536;
export const MAX_KEYS = 1000;
const MASK = '***';

const invalid = (message: string): Reply =>
  json(400, { statusCode: 400, code: 'FST_ERR_VALIDATION', error: 'Bad Request', message });
const notFound = (key: string): Reply => reason(404, `Resource with id '${key}' not found`);

function shown(key: string, e: ConfigEntry, plain: boolean) {
  if (!e.secret) return { key, value: e.value };
  return { key, value: plain ? e.value : MASK, secret: true };
}

/** The key in `/api/v1/config/<key>`, percent-decoded; undefined for a bad encoding. */
function keyOf(path: string): string | undefined {
  try {
    return decodeURIComponent(path.slice('/api/v1/config/'.length));
  } catch {
    return undefined;
  }
}

function badKey(key: string): boolean {
  return key.length === 0 || key.length > MAX_KEY_LENGTH || /[\u0000-\u001f\u007f]/.test(key);
}

export function configApi(state: EmulatorState, req: Request, inst: Instance, userId: string): Reply {
  const store = inst.config ?? new Map<string, ConfigEntry>();
  inst.config = store;
  const apiKey = inst.resolved.ConfigApiKey;
  const plain =
    typeof apiKey === 'string' &&
    apiKey !== '' &&
    req.headers['x-config-api-key'] === apiKey &&
    !!inst.resolved.ParameterEncryptionKey;
  const canEncrypt =
    typeof inst.resolved.ParameterEncryptionKey === 'string' && inst.resolved.ParameterEncryptionKey !== '';
  const path = req.path;

  if (path === '/api/v1/config' && req.method === 'GET') {
    const limit = req.query.limit === undefined ? 20 : Number(req.query.limit);
    const offset = req.query.offset === undefined ? 0 : Number(req.query.offset);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return invalid('querystring/limit must be <= 100');
    if (!Number.isInteger(offset) || offset < 0) return invalid('querystring/offset must be >= 0');
    const match = typeof req.query.match === 'string' ? req.query.match.slice(0, MAX_KEY_LENGTH) : undefined;
    const keys = [...store.keys()].filter((k) => match === undefined || globMatch(match, k));
    const page = keys.slice(offset, offset + limit);
    // The service pages with Redis SCAN: `offset` answers the next cursor, 0 at the end.
    const next = offset + limit < keys.length ? offset + limit : 0;
    return json(200, {
      offset: next,
      limit,
      total: store.size,
      items: page.map((k) => shown(k, store.get(k) as ConfigEntry, plain)),
    });
  }
  if (path === '/api/v1/config' && req.method === 'POST') {
    const body = parseBody(req);
    if (!body) return invalid('body must be object');
    const { key, value, secret } = body;
    if (typeof key !== 'string') return invalid("body must have required property 'key'");
    if (typeof value !== 'string') return invalid("body must have required property 'value'");
    if (secret !== undefined && typeof secret !== 'boolean') return invalid('body/secret must be boolean');
    if (badKey(key)) return reason(400, 'Invalid key');
    if (Buffer.byteLength(value) > MAX_VALUE_BYTES) return reason(400, 'Value is too large');
    if (!store.has(key) && store.size >= MAX_KEYS) return reason(400, 'Too many parameters in this store');
    if (secret && !canEncrypt)
      return reason(400, 'Encryption not configured: PARAMETER_ENCRYPTION_KEY is required for secret parameters');
    store.set(key, { value, secret: secret === true });
    if (secret) state.recordSecret('config_secret', value, userId);
    return json(200, secret ? { key, value: MASK, secret: true } : { key, value });
  }
  if (!path.startsWith('/api/v1/config/')) return fastify404(req);
  const key = keyOf(path);
  if (key === undefined || badKey(key)) return reason(400, 'Invalid key');
  const existing = store.get(key);

  if (req.method === 'GET') {
    if (!existing) return notFound(key);
    const obj = shown(key, existing, plain);
    return String(req.headers.accept ?? '').includes('text/plain') ? text(200, obj.value) : json(200, obj);
  }
  if (req.method === 'PUT') {
    const body = parseBody(req);
    if (!body) return invalid('body must be object');
    const { value, secret } = body;
    if (typeof value !== 'string') return invalid("body must have required property 'value'");
    if (secret !== undefined && typeof secret !== 'boolean') return invalid('body/secret must be boolean');
    if (Buffer.byteLength(value) > MAX_VALUE_BYTES) return reason(400, 'Value is too large');
    if (!existing) return notFound(key);
    if (existing.secret && secret === false) return reason(400, 'Cannot convert a secret parameter to non-secret');
    const isSecret = existing.secret || secret === true;
    if (isSecret && !canEncrypt)
      return reason(400, 'Encryption not configured: PARAMETER_ENCRYPTION_KEY is required for secret parameters');
    store.set(key, { value, secret: isSecret });
    if (isSecret) state.recordSecret('config_secret', value, userId);
    return json(200, isSecret ? { key, value: MASK, secret: true } : { key, value });
  }
  if (req.method === 'DELETE') {
    if (!existing) return notFound(key);
    store.delete(key);
    return json(200, { message: 'Deleted' });
  }
  return fastify404(req);
}

export function fastify404(req: Request): Reply {
  return json(404, { message: `Route ${req.method}:${req.path} not found`, error: 'Not Found', statusCode: 404 });
}

/**
 * The service's `match` is a Redis glob; `*` is the only wildcard honoured here. Matched with
 * the two-pointer wildcard algorithm (no backtracking regex), O(key × pattern) at worst.
 */
export function globMatch(pattern: string, key: string): boolean {
  let p = 0;
  let k = 0;
  let star = -1;
  let mark = 0;
  while (k < key.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === key[k]) {
      p += 1;
      k += 1;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p;
      mark = k;
      p += 1;
    } else if (star >= 0) {
      p = star + 1;
      mark += 1;
      k = mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p += 1;
  return p === pattern.length;
}
