/** create_instance option checks against the catalog schema (docs/architecture.md, "The MCP endpoint"). */
import { describe, expect, it } from 'vitest';
import { checkOptions } from '../../../src/mcp/options.js';
import type { Service } from '../../../src/osc/platform.js';

const svc: Service = {
  serviceId: 'birme-osc-postgresql',
  title: 'PostgreSQL',
  options: [
    { name: 'name', type: 'string', mandatory: true, regexValidator: '^\\w+$', sensitive: false },
    {
      name: 'PostgresPassword',
      label: 'PostgresPassword',
      description: 'Superuser password',
      type: 'string',
      mandatory: true,
      sensitive: true,
    },
    { name: 'PostgresUser', type: 'string', mandatory: false, default: 'postgres', sensitive: false },
    {
      name: 'PostgresHostAuthMethod',
      type: 'enum',
      enums: ['scram-sha-256', 'md5', 'trust'],
      mandatory: false,
      sensitive: false,
    },
    { name: 'BaseUrl', type: 'string', mandatory: false, regexValidator: '^https?://', sensitive: false },
    { name: 'Public', type: 'boolean', mandatory: false, sensitive: false },
    { name: 'Region', type: 'string', mandatory: true, default: 'eu', sensitive: false },
    { name: 'Weird', type: 'string', mandatory: false, regexValidator: '(unclosed', sensitive: false },
  ],
};

describe('checkOptions', () => {
  it('accepts valid options and sends strings, without name', () => {
    const r = checkOptions(svc, 'db1', {
      PostgresPassword: 'pw',
      PostgresHostAuthMethod: 'md5',
      Public: true,
      BaseUrl: 'https://x',
      Weird: 'anything',
    });
    expect(r.problems).toEqual([]);
    expect(r.body).toEqual({
      PostgresPassword: 'pw',
      PostgresHostAuthMethod: 'md5',
      Public: 'true',
      BaseUrl: 'https://x',
      Weird: 'anything',
    });
  });

  it('names every problem at once: missing, enum, pattern, type, unknown, name', () => {
    const r = checkOptions(svc, 'db1', {
      PostgresHostAuthMethod: 'plain',
      BaseUrl: 'ftp://x',
      Public: 'yes',
      PostgresUser: true,
      postgrespassword: 'x',
      name: 'db1',
    });
    expect(r.problems).toEqual([
      'missing mandatory option "PostgresPassword": Superuser password',
      'option "PostgresUser" takes text, not true/false',
      'option "PostgresHostAuthMethod" must be one of "scram-sha-256", "md5", "trust"',
      'option "BaseUrl" does not have the expected format (pattern ^https?://)',
      'option "Public" must be true or false',
      'unknown option "postgrespassword" (did you mean "PostgresPassword"?)',
      '"name" goes in the name argument, not in options',
    ]);
  });

  it('lets {{secrets.<name>}} references past the pattern', () => {
    expect(checkOptions(svc, 'db1', { PostgresPassword: 'p', BaseUrl: '{{secrets.url}}' }).problems).toEqual([]);
  });

  it('checks the instance name against the catalog pattern too', () => {
    const strict: Service = {
      ...svc,
      options: [{ name: 'name', type: 'string', mandatory: true, regexValidator: '^[a-z]{1,5}$', sensitive: false }],
    };
    expect(checkOptions(strict, 'toolongname', {}).problems).toEqual([
      'the instance name does not have the expected format (pattern ^[a-z]{1,5}$)',
    ]);
  });

  it('a mandatory option with a default is not missing; prototype names are unknown, not inherited', () => {
    const r = checkOptions(svc, 'db1', JSON.parse('{"PostgresPassword":"p","__proto__":{"x":1},"constructor":"y"}'));
    expect(r.problems).toEqual(['unknown option "__proto__"', 'unknown option "constructor"']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
