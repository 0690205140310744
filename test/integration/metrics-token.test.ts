// FAULT-02 (issue 16 class 7): with METRICS_TOKEN set, /metrics answers only a request that
// presents it as a bearer token; without it /metrics stays open (a private network's scraper).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

const TOKEN = 'metrics-token-0123456789abcdef0123456789';

describe('FAULT-02: /metrics behind METRICS_TOKEN', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(async () => stack?.close());

  it('no token, a wrong token, a token in the query → 401 and no metrics', async () => {
    for (const init of [
      {},
      { headers: { authorization: 'Bearer wrong' } },
      { headers: { authorization: `Basic ${TOKEN}` } },
    ]) {
      const res = await fetch(`${stack.url}/metrics`, init);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.text()).not.toContain('oscmcp_http_requests_total');
    }
    expect((await fetch(`${stack.url}/metrics?access_token=${TOKEN}`)).status).toBe(401);
  });

  it('the right bearer token → the metrics', async () => {
    const res = await fetch(`${stack.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('oscmcp_http_requests_total');
  });
});
