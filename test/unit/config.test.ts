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
});
