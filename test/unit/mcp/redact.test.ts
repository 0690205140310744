/**
 * Redaction (docs/architecture.md, "The MCP endpoint", docs/security.md, "Secrets"): catalog `sensitive` flags, credential-like keys, and
 * credential-shaped values anywhere; `{{secrets.*}}` references and ordinary data kept.
 */
import { describe, expect, it } from 'vitest';
import { redactInstance, redactText, redactValue, REDACTED } from '../../../src/mcp/redact.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJ0ZW5hbnRJZCI6ImFsaWNlIn0.c2lnbmF0dXJlLXZhbHVl';

describe('redactInstance', () => {
  const instance = {
    serviceId: 'eyevinn-intercom-manager',
    name: 'icm',
    url: 'https://alice-icm.eyevinn-intercom-manager.auto.prod.osaas.io',
    status: 'running',
    sensitive: ['dbConnectionString', 'oscToken'],
    fields: {
      smbServerBaseUrl: 'https://smb.example.com',
      smbServerApiKey: 'plain-but-unflagged',
      dbConnectionString: 'https://admin:pw@couch.example',
      oscToken: JWT,
      description: `connect with ${JWT}`,
      resources: { app: { url: 'https://alice-icm.example' }, license: { url: 'https://github.com/x/LICENSE' } },
      envVar: '{{secrets.mykey}}',
      PostgresHostAuthMethod: 'scram-sha-256',
      id: '3f2a6c1e-8b7d-4c2a-9e1f-0a1b2c3d4e5f',
      blob: 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1u',
      enabled: true,
    },
  };

  it('redacts flagged, key-shaped and value-shaped credentials and keeps the rest', () => {
    const r = redactInstance(instance);
    expect(r.fields).toEqual({
      smbServerBaseUrl: 'https://smb.example.com',
      smbServerApiKey: REDACTED,
      dbConnectionString: REDACTED,
      oscToken: REDACTED,
      description: `connect with ${REDACTED}`,
      resources: { app: { url: 'https://alice-icm.example' }, license: { url: 'https://github.com/x/LICENSE' } },
      envVar: '{{secrets.mykey}}',
      PostgresHostAuthMethod: 'scram-sha-256',
      id: '3f2a6c1e-8b7d-4c2a-9e1f-0a1b2c3d4e5f',
      blob: REDACTED,
      enabled: true,
    });
    expect(r.url).toBe(instance.url);
    expect(JSON.stringify(r)).not.toMatch(/plain-but-unflagged|admin:pw|eyJ/);
  });

  it('matches sensitive option names case-insensitively', () => {
    const r = redactInstance({ ...instance, sensitive: ['rootpassword'], fields: { RootPassword: 'hunter2' } });
    expect(r.fields.RootPassword).toBe(REDACTED);
  });

  it('drops prototype keys and bounds depth', () => {
    const nested: Record<string, unknown> = {};
    let cur = nested;
    for (let i = 0; i < 20; i++) {
      const next: Record<string, unknown> = {};
      cur.next = next;
      cur = next;
    }
    const out = redactValue(JSON.parse('{"__proto__":{"polluted":1},"a":1}')) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(redactValue(nested))).toContain(REDACTED);
  });
});

describe('redactText', () => {
  it.each([
    [`token ${JWT} here`, `token ${REDACTED} here`],
    ['Authorization: Bearer abcdefghijklmnop123', `Authorization: Bearer ${REDACTED}`],
    ['postgres://app:s3cret@db:5432/x', `postgres://app:${REDACTED}@db:5432/x`],
    ['password=hunter2 user=bob', `password=${REDACTED} user=bob`],
    ['"apiKey": "abc123def"', `"apiKey": "${REDACTED}"`],
    ['key osc_pat_CANARY_0123456789abcdef01234567', `key ${REDACTED}`],
    ['AKIAABCDEFGHIJKLMNOP in use', `${REDACTED} in use`],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----', REDACTED],
    ['all good: 42 requests served', 'all good: 42 requests served'],
  ])('%s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });
});
