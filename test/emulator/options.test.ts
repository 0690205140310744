/**
 * Unit: option validation and secret-reference resolution of the emulator's instance APIs
 * (src/emulator/instances.ts, secret-refs.ts). No server, no process.
 */
import { describe, expect, it } from 'vitest';
import type { SeedService } from '../../src/emulator/catalog.js';
import { MAX_OPTION_LENGTH, validateOptions } from '../../src/emulator/instances.js';
import type { Tenant } from '../../src/emulator/records.js';
import { resolveOptions, secretRefName } from '../../src/emulator/secret-refs.js';

const svc: SeedService = {
  serviceId: 'x-svc',
  noun: 'x',
  title: 'X',
  description: '',
  category: 'devel',
  repoUrl: 'https://github.com/x/x',
  keywords: [],
  tokensPerDay: 1,
  options: [
    { name: 'name', label: 'Name', type: 'string', mandatory: true },
    { name: 'Mode', label: 'Mode', type: 'enum', enums: ['a', 'b'], mandatory: false, default: 'a' },
    { name: 'Flag', label: 'Flag', type: 'boolean', mandatory: false },
    { name: 'Url', label: 'Url', type: 'string', mandatory: true, regexValidator: '^https://' },
  ],
};

const tenant = (secrets: Record<string, Record<string, string>>): Tenant => ({
  id: 't',
  plan: 'FREE',
  availableTokens: 0,
  usedTokens: 0,
  subscriptions: new Set(),
  instances: new Map(),
  secrets: new Map(Object.entries(secrets).map(([sid, m]) => [sid, new Map(Object.entries(m))])),
  apps: new Map(),
  appHolds: new Map(),
  gitCredentials: new Map(),
});

describe('validateOptions', () => {
  it('fills defaults, drops unknown keys and checks enums, booleans and regexes', () => {
    expect(validateOptions(svc, { Url: 'https://a', Other: 1 })).toEqual({ options: { Mode: 'a', Url: 'https://a' } });
    expect(validateOptions(svc, { Url: 'https://a', Mode: 'c' })).toEqual({
      reason: 'Option Mode must be one of: a, b',
    });
    expect(validateOptions(svc, { Url: 'https://a', Flag: 'yes' })).toEqual({
      reason: 'Option Flag must be true or false',
    });
    expect(validateOptions(svc, { Url: 'ftp://a' })).toEqual({ reason: 'Option Url does not match ^https://' });
    expect(validateOptions(svc, {})).toEqual({ reason: 'Missing mandatory option: Url' });
    expect(validateOptions(svc, { Url: { a: 1 } })).toEqual({ reason: 'Option Url must be a string' });
  });

  it('lets a whole-value secret reference past the regex, and bounds values', () => {
    expect(validateOptions(svc, { Url: '{{secrets.url}}' })).toEqual({
      options: { Mode: 'a', Url: '{{secrets.url}}' },
    });
    expect(validateOptions(svc, { Url: `https://${'a'.repeat(MAX_OPTION_LENGTH)}` })).toEqual({
      reason: 'Option Url is too long',
    });
    // PATCH: nothing mandatory, no defaults.
    expect(validateOptions(svc, { Flag: true }, true)).toEqual({ options: { Flag: true } });
  });
});

describe('secret references', () => {
  it('recognises only whole-value references with a valid name', () => {
    expect(secretRefName('{{secrets.db-pw_1}}')).toBe('db-pw_1');
    expect(secretRefName('x{{secrets.a}}')).toBeUndefined();
    expect(secretRefName('{{secrets.a b}}')).toBeUndefined();
    expect(secretRefName('{{secrets}}')).toBeUndefined();
    expect(secretRefName(42)).toBeUndefined();
  });

  it('resolves from the secrets of the same service only and reports the missing ones', () => {
    const t = tenant({ 'x-svc': { pw: 'hunter2' }, other: { key: 'nope' } });
    expect(resolveOptions(t, 'x-svc', { A: '{{secrets.pw}}', B: 'plain', C: '{{secrets.key}}' })).toEqual({
      resolved: { A: 'hunter2', B: 'plain' },
      missing: ['key'],
    });
  });
});
