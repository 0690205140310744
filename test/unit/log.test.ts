// The log value scrubber (SECRETS-08).
import { describe, expect, it } from 'vitest';
import { scrub, scrubLine } from '../../src/log.js';
import { randomToken } from '../../src/storage/hash.js';

describe('scrub (log values)', () => {
  it('removes our prefixed tokens, JWT-shaped PATs and OSC canaries from free text', () => {
    const at = randomToken('oscm_at_');
    const rt = randomToken('oscm_rt_');
    const code = randomToken('oscm_code_');
    const cs = randomToken('oscm_cs_');
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJ0ZW5hbnRJZCI6ImEifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const canary = `osc_rt_CANARY_${'ab'.repeat(16)}`;
    const out = scrub(`at=${at} rt=${rt} code=${code} secret=${cs} pat=${jwt} upstream=${canary}`);
    for (const s of [at, rt, code, cs, jwt, canary]) expect(out).not.toContain(s);
    expect(out.match(/\[redacted\]/g)).toHaveLength(6);
  });
});

describe('scrubLine (secret fields)', () => {
  it('SECRET-09: the secret page’s form field and the OSC body field are secret keys at any depth', () => {
    const line = JSON.stringify({
      req: { body: { csrf: 'c', secretValue: 'typed-by-the-person' } },
      upstream: { secretName: 'dbpassword', secretData: 'sent-to-osc-only' },
    });
    const out = scrubLine(line);
    expect(out).not.toContain('typed-by-the-person');
    expect(out).not.toContain('sent-to-osc-only');
    expect(out).toContain('"secretName":"dbpassword"');
  });
});
