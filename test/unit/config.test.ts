// SECRETS-06: a bad environment stops the boot and names each variable, never its value.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('has zero-configuration defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.publicUrl).toBe('http://localhost:8080');
    expect(c.oscEnvironment).toBe('prod');
    expect(c.redisUrl).toBeUndefined();
    expect(c.sealKeys).toBeUndefined();
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names every bad variable and never prints a value', () => {
    const secret = 'sUp3r-s3cr3t-value-that-must-not-leak';
    let err: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        SEAL_KEYS: secret,
        OSC_CLIENT_SECRET: secret,
        REDIS_URL: 'redis://127.0.0.1:6379',
        OSC_ACCESS_TOKEN: secret,
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    for (const name of ['PORT', 'SEAL_KEYS', 'OSC_CLIENT_ID', 'OSC_ACCESS_TOKEN']) expect(message).toContain(name);
    expect(message).not.toContain(secret);
  });

  it('parses a keyring of 32-byte base64 keys, the first one sealing', () => {
    const k1 = Buffer.alloc(32, 1).toString('base64');
    const k2 = Buffer.alloc(32, 2).toString('base64');
    const c = loadConfig({ SEAL_KEYS: `${k1}, ${k2}`, PUBLIC_URL: 'https://mcp.example.com/' });
    expect(c.sealKeys?.map((k) => k[0])).toEqual([1, 2]);
    expect(c.publicUrl).toBe('https://mcp.example.com');
  });
});

describe('loopback http metadata (sandbox only)', () => {
  it('is off unless the sandbox asks for it, whatever the environment says', () => {
    expect(loadConfig({}).allowLoopbackHttpMetadata).toBe(false);
    expect(loadConfig({ ALLOW_LOOPBACK_HTTP_METADATA: 'true', SANDBOX: '1' }).allowLoopbackHttpMetadata).toBe(false);
    expect(loadConfig({}, { sandbox: true }).allowLoopbackHttpMetadata).toBe(true);
  });

  it('limits default to per-person budgets sized for thousands of users per client (docs/limits.md)', () => {
    const c = loadConfig({});
    expect([c.registrationsPerHour, c.tokenRequestsPerGrant, c.tokenFailuresPerAddress]).toEqual([500, 120, 300]);
  });

  describe('REDIS_CLUSTER_NODES', () => {
    const KEY = Buffer.alloc(32, 1).toString('base64');
    const problemsOf = (env: NodeJS.ProcessEnv): string => {
      try {
        loadConfig(env);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };

    it('parses host:port seeds into the cluster setting', () => {
      const c = loadConfig({
        REDIS_CLUSTER_NODES: ' 10.0.0.1:7000, redis-a.internal:7001,[::1]:7002 ',
        SEAL_KEYS: KEY,
      });
      expect(c.redisUrl).toBeUndefined();
      expect(c.redisCluster).toEqual({
        nodes: [
          { host: '10.0.0.1', port: 7000 },
          { host: 'redis-a.internal', port: 7001 },
          { host: '::1', port: 7002 },
        ],
        tls: false,
        username: undefined,
        password: undefined,
      });
    });

    it('takes TLS and credentials from rediss:// seeds, applied to every node', () => {
      const c = loadConfig({
        REDIS_CLUSTER_NODES:
          'rediss://app:p%40ss@node-1.cache.example:6379,rediss://app:p%40ss@node-2.cache.example:6379',
        SEAL_KEYS: KEY,
      });
      expect(c.redisCluster).toMatchObject({ tls: true, username: 'app', password: 'p@ss' });
      expect(c.redisCluster?.nodes).toHaveLength(2);
    });

    it('refuses REDIS_URL and REDIS_CLUSTER_NODES together, naming both choices', () => {
      const message = problemsOf({
        REDIS_URL: 'redis://127.0.0.1:6379',
        REDIS_CLUSTER_NODES: '127.0.0.1:7000',
        SEAL_KEYS: KEY,
      });
      expect(message).toMatch(/REDIS_CLUSTER_NODES: set either REDIS_URL .* or REDIS_CLUSTER_NODES .*, not both/);
    });

    it('refuses bad seeds, seeds that disagree, a cluster without SEAL_KEYS and WAIT on a cluster, never echoing a value', () => {
      const secret = 'pw-that-must-not-leak';
      for (const bad of ['', 'node-1', 'node-1:', 'node-1:99999', 'http://node-1:7000', 'redis://node-1:7000/2']) {
        expect(problemsOf({ REDIS_CLUSTER_NODES: bad, SEAL_KEYS: KEY }), bad).toContain('REDIS_CLUSTER_NODES:');
      }
      const mixed = problemsOf({ REDIS_CLUSTER_NODES: `rediss://u:${secret}@a:1,redis://b:2`, SEAL_KEYS: KEY });
      expect(mixed).toContain('REDIS_CLUSTER_NODES: seeds must agree');
      expect(mixed).not.toContain(secret);
      expect(problemsOf({ REDIS_CLUSTER_NODES: 'a:7000' })).toContain('SEAL_KEYS: required with REDIS_CLUSTER_NODES');
      expect(problemsOf({ REDIS_CLUSTER_NODES: 'a:7000', SEAL_KEYS: KEY, REDIS_WAIT_REPLICAS: '1' })).toContain(
        'REDIS_WAIT_REPLICAS: only applies with REDIS_URL',
      );
    });
  });
});
