// FAULT-01 (issue 16 class 7): a bad TRUST_PROXY stops the boot with a message naming the
// variable, instead of a stack trace from Express or, worse, trusting every X-Forwarded-For.
// FAULT-02: METRICS_TOKEN is read and must be long enough to be a secret.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('FAULT-01: TRUST_PROXY is checked at boot', () => {
  it.each(['yes', 'true', '1.2.3', '10.0.0.0/33', 'loopback, nonsense', '-1', ''])(
    '%j stops the boot naming TRUST_PROXY',
    (value) => {
      const p = problems({ TRUST_PROXY: value });
      expect(p).toHaveLength(1);
      expect(p[0]).toMatch(/^TRUST_PROXY: /);
      expect(p[0]).not.toContain(value === '' ? '\u0000' : value);
    },
  );
  it.each([
    '1',
    '2',
    'loopback',
    'uniquelocal, linklocal',
    '10.0.0.0/8',
    '10.0.0.1, 192.168.0.0/16',
    '::1',
    'fd00::/8',
  ])('%j is accepted', (value) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toBe(value);
  });
});

describe('FAULT-02: METRICS_TOKEN', () => {
  it('is read when long enough, refused (named) when short', () => {
    expect(loadConfig({ METRICS_TOKEN: 'm'.repeat(32) }).metricsToken).toBe('m'.repeat(32));
    expect(problems({ METRICS_TOKEN: 'short' })).toEqual([expect.stringMatching(/^METRICS_TOKEN: /)]);
  });
});
