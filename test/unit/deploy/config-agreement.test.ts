// The Dockerfile, compose.yaml and deploy/haproxy.cfg agree with the server's own
// configuration schema (src/config.ts) and routes: every variable they set is one the server
// reads, the values parse, and ports and paths line up from the load balancer to the
// HEALTHCHECK. Nothing secret is baked into the image.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../../../src/config.js';
import { healthRouter } from '../../../src/http/health.js';
import { parseDockerfile } from '../../support/dockerfile.js';
import { REPO_ROOT } from '../../support/sandbox-process.js';

/** Node's own variables an image may set; not ours, so not in the schema. */
const NODE_VARIABLES = new Set(['NODE_ENV']);
const SECRET_VARIABLES = ['SEAL_KEYS', 'OSC_CLIENT_SECRET', 'OSC_CLIENT_ID', 'REDIS_URL', 'REDIS_CLUSTER_NODES'];
const KEY = Buffer.alloc(32, 3).toString('base64');

const dockerfile = parseDockerfile(join(REPO_ROOT, 'Dockerfile'));
const image = dockerfile.stages.at(-1)!;
interface Service {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  expose?: string[];
  ports?: string[];
  volumes?: string[];
  deploy?: { replicas?: number };
  command?: string[];
}
const compose = parse(readFileSync(join(REPO_ROOT, 'compose.yaml'), 'utf8')) as { services: Record<string, Service> };
const haproxy = readFileSync(join(REPO_ROOT, 'deploy/haproxy.cfg'), 'utf8');

/** Compose-file interpolation (compose spec, "Interpolation"): ${V}, ${V:-d}, ${V-d}, ${V:?e}, ${V?e}, $$. */
function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(
    /\$\$|\$\{(\w+)(?:(:?)([-?])([^}]*))?\}/g,
    (whole, name: string | undefined, colon: string, op: string, arg: string) => {
      if (whole === '$$') return '$';
      const v = env[name!];
      const missing = v === undefined || (colon === ':' && v === '');
      if (op === '-') return missing ? (arg ?? '') : v!;
      if (op === '?' && missing) throw new Error(`${name}: ${arg}`);
      return v ?? '';
    },
  );
}

const serviceEnv = (svc: Service, env: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(svc.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), env)]));

const app = compose.services['osc-mcp']!;
const lb = Object.values(compose.services).find((s) => s.volumes?.some((v) => v.startsWith('./deploy/haproxy.cfg:')))!;

describe('Dockerfile against the configuration schema', () => {
  it('sets only variables the server reads (or Node its own), and they parse', () => {
    for (const k of Object.keys(image.env)) expect(CONFIG_VARIABLES.includes(k) || NODE_VARIABLES.has(k), k).toBe(true);
    expect(() => loadConfig(image.env)).not.toThrow();
  });

  it('EXPOSE, PORT and the HEALTHCHECK agree; the HEALTHCHECK asks a route the server serves', () => {
    const config = loadConfig(image.env);
    expect(image.expose).toEqual([config.port]);
    const script = image.healthcheck!.cmd.join(' ');
    const url = /'http:\/\/127\.0\.0\.1:' \+ \(process\.env\.PORT \|\| (\d+)\) \+ '(\/\w+)'/.exec(script);
    expect(url, script).not.toBeNull();
    expect(Number(url![1])).toBe(config.port);
    const paths = healthRouter(async () => undefined).stack.map((l) => l.route?.path);
    expect(paths).toContain(url![2]);
    expect(url![2]).toBe('/healthz');
  });

  it('bakes no secret in: no ARG or ENV names a secret variable; .dockerignore keeps .env, .git and node_modules out', () => {
    for (const stage of dockerfile.stages)
      for (const k of Object.keys(stage.env)) expect(SECRET_VARIABLES).not.toContain(k);
    for (const k of Object.keys(dockerfile.args)) expect(SECRET_VARIABLES).not.toContain(k);
    for (const stage of dockerfile.stages)
      for (const s of stage.steps.filter((x) => x.op === 'ARG'))
        expect(SECRET_VARIABLES).not.toContain(s.args.split('=')[0]);
    const ignore = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const p of ['.env', '.git', 'node_modules', 'dist']) expect(ignore).toContain(p);
    // What the Dockerfile copies from the context is not ignored (the build would miss it).
    const copied = dockerfile.stages.flatMap((s) =>
      s.steps
        .filter((x) => x.op === 'COPY' && x.flags.from === undefined)
        .flatMap((x) => x.args.split(/\s+/).slice(0, -1)),
    );
    expect(copied.length).toBeGreaterThan(0);
    for (const src of copied) expect(ignore, src).not.toContain(src.split('/')[0]);
  });
});

describe('compose.yaml against the configuration schema', () => {
  it('sets only variables the server reads; with SEAL_KEYS exported they parse on top of the image ENV', () => {
    for (const k of Object.keys(app.environment ?? {})) expect(CONFIG_VARIABLES, k).toContain(k);
    const config = loadConfig({ ...image.env, ...serviceEnv(app, { SEAL_KEYS: KEY }) });
    expect(config.redisUrl).toBeDefined();
    expect(config.sealKeys?.length).toBe(1);
  });

  it('SEAL_KEYS comes from the environment and is required: without it compose refuses to start', () => {
    expect(app.environment?.SEAL_KEYS).toMatch(/^\$\{SEAL_KEYS:\?[^}]+\}$/);
    expect(() => serviceEnv(app, {})).toThrow(/SEAL_KEYS/);
  });

  it('two replicas share one Redis-compatible store service, addressed by its name', () => {
    expect(app.build).toBe('.');
    expect(existsSync(join(REPO_ROOT, 'Dockerfile'))).toBe(true);
    expect(app.deploy?.replicas).toBe(2);
    const redis = new URL(serviceEnv(app, { SEAL_KEYS: KEY }).REDIS_URL!);
    const store = compose.services[redis.hostname];
    expect(store?.image, `service ${redis.hostname}`).toMatch(/^(valkey\/valkey|redis):/);
    expect(redis.port || '6379').toBe('6379');
  });

  it('the load balancer reaches every replica on the port it listens on, checks /readyz, and is the one proxy TRUST_PROXY counts', () => {
    const config = loadConfig({ ...image.env, ...serviceEnv(app, { SEAL_KEYS: KEY }) });
    expect(app.expose).toContain(String(config.port));
    const template = /^\s*server-template\s+\S+\s+(\d+)\s+([\w-]+):(\d+)\s/m.exec(haproxy);
    expect(template).not.toBeNull();
    expect(template![2]).toBe('osc-mcp');
    expect(Number(template![3])).toBe(config.port);
    expect(Number(template![1])).toBeGreaterThanOrEqual(app.deploy!.replicas!);
    const check = /^\s*option httpchk GET (\S+)/m.exec(haproxy)?.[1];
    expect(healthRouter(async () => undefined).stack.map((l) => l.route?.path)).toContain(check);
    expect(check).toBe('/readyz');
    expect(config.trustProxy).toBe('1');
    expect(haproxy).toMatch(/^\s*option forwardfor/m);
  });

  it('PUBLIC_URL names the load balancer as published, so the resource clients see is where they connect', () => {
    const bind = Number(/^\s*bind :(\d+)/m.exec(haproxy)?.[1]);
    const published = interpolate(lb.ports![0]!, {}).split(':');
    expect(Number(published[1])).toBe(bind);
    const publicUrl = new URL(serviceEnv(app, { SEAL_KEYS: KEY }).PUBLIC_URL!);
    expect(publicUrl.port).toBe(published[0]);
    expect(existsSync(join(REPO_ROOT, 'deploy/haproxy.cfg'))).toBe(true);
  });
});
