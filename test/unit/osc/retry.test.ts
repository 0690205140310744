/** Bounded read retries (docs/security.md, "MCP and upstream", UPSTREAM-08) and the 401 → refresh → 401 rule (docs/architecture.md, "Token lifecycle", UPSTREAM-07). */
import { describe, expect, it } from 'vitest';
import { retryRead, sleep, withPat } from '../../../src/osc/retry.js';
import { UpstreamAuthError, UpstreamTimeoutError, GrantRevokedError } from '../../../src/errors.js';
import type { OscCredentials } from '../../../src/osc/lifecycle/credentials.js';
import { toUpstreamError } from '../../../src/osc/upstream-errors.js';

const signal = () => new AbortController().signal;
const failing = (statuses: number[], value = 'ok') => {
  let i = 0;
  const op = async () => {
    const s = statuses[i++];
    if (s !== undefined) throw toUpstreamError({ status: s, retryAfter: s === 429 ? '1' : null });
    return value;
  };
  return { op, calls: () => i };
};

describe('retryRead', () => {
  it('retries 5xx at most twice', async () => {
    const ok = failing([503, 502]);
    expect(await retryRead(ok.op, { signal: signal(), baseDelayMs: 1 })).toBe('ok');
    expect(ok.calls()).toBe(3);
    const bad = failing([503, 503, 503, 503]);
    await expect(retryRead(bad.op, { signal: signal(), baseDelayMs: 1 })).rejects.toMatchObject({ status: 503 });
    expect(bad.calls()).toBe(3);
  });

  it('never retries a 4xx', async () => {
    const f = failing([404]);
    await expect(retryRead(f.op, { signal: signal() })).rejects.toMatchObject({ status: 404 });
    expect(f.calls()).toBe(1);
  });

  it('honours Retry-After up to the cap, gives up beyond it', async () => {
    const f = failing([429]);
    const t = Date.now();
    await retryRead(f.op, { signal: signal(), baseDelayMs: 1 });
    expect(Date.now() - t).toBeGreaterThanOrEqual(950);
    const g = failing([429]);
    await expect(retryRead(g.op, { signal: signal(), maxRetryAfterMs: 500 })).rejects.toMatchObject({ status: 429 });
    expect(g.calls()).toBe(1);
  });

  it('backs off exponentially with jitter', async () => {
    const delays: number[] = [];
    await retryRead(failing([500, 500]).op, {
      signal: signal(),
      baseDelayMs: 10,
      random: () => 0.5,
      onRetry: (_e, _a, d) => delays.push(d),
    });
    expect(delays).toEqual([5, 10]);
  });

  it('stops waiting when the signal aborts', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    await expect(sleep(10_000, ac.signal)).rejects.toBeInstanceOf(UpstreamTimeoutError);
  });
});

/** An OscCredentials whose OSC accepts only the tokens listed as valid. */
function credentials(initial: string, next: string[]): OscCredentials & { refreshed: string[]; revoked: number } {
  let current = initial;
  const refreshed: string[] = [];
  const creds = {
    grantId: 'g',
    refreshed,
    revoked: 0,
    revoke: async () => {
      creds.revoked += 1;
    },
    accessToken: async () => current,
    forceRefresh: async (rejected: string) => {
      refreshed.push(rejected);
      current = next.shift() ?? current;
      return current;
    },
  };
  return creds;
}

describe('withPat', () => {
  const osc = (valid: Set<string>) => async (pat: string) => {
    if (!valid.has(pat)) throw new UpstreamAuthError('401', { status: 401 });
    return `as ${pat}`;
  };

  it('a 401 refreshes once and retries with the new PAT', async () => {
    const c = credentials('old', ['new']);
    expect(await withPat(c, osc(new Set(['new'])))).toBe('as new');
    expect(c.refreshed).toEqual(['old']);
  });

  it('a second 401 to the fresh PAT → the grant is revoked and GrantRevokedError', async () => {
    const c = credentials('old', ['new']);
    await expect(withPat(c, osc(new Set()))).rejects.toBeInstanceOf(GrantRevokedError);
    expect(c.refreshed).toEqual(['old']);
    expect(c.revoked).toBe(1);
  });

  it('other errors pass through without a refresh', async () => {
    const c = credentials('old', []);
    await expect(withPat(c, async () => Promise.reject(toUpstreamError({ status: 500 })))).rejects.toMatchObject({
      status: 500,
    });
    expect(c.refreshed).toEqual([]);
  });
});
