// OAUTH-31: token revocation (RFC 7009), black-box over HTTP against the real app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { hashSecret } from '../../../src/storage/hash.js';
import {
  clientAuth,
  connect,
  mcpPost,
  refresh,
  registerClient,
  type RegisteredClient,
  type Tokens,
} from '../../support/oauth-flow.js';
import { startStack, type Stack } from '../../support/stack.js';
import { expectChallenge } from '../../support/oauth-expect.js';

const toolsList = { jsonrpc: '2.0', id: 1, method: 'tools/list' };

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

async function revoke(client: RegisteredClient, token: string, hint?: string): Promise<Response> {
  const form = new URLSearchParams({ token, ...clientAuth(client), ...(hint ? { token_type_hint: hint } : {}) });
  const res = await fetch(`${stack.url}/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  return res;
}

async function expectRevokeOk(res: Response): Promise<void> {
  const body = await res.text();
  expect(res.status, body).toBe(200);
  expect(res.headers.get('cache-control')).toMatch(/no-store/);
}

const opens = async (at: string) => (await mcpPost(stack.mcpUrl, at, toolsList)).status;

describe('OAUTH-31: revocation', () => {
  it('revoking the AT (no hint) ends that AT only; the RT still works', async () => {
    const { client, tokens } = await connect(stack.url);
    expect(await opens(tokens.access_token)).toBe(200);
    await expectRevokeOk(await revoke(client, tokens.access_token));
    await expectChallenge(await mcpPost(stack.mcpUrl, tokens.access_token, toolsList), stack.url);
    const next = await refresh(stack.url, client, tokens.refresh_token);
    expect(next.status).toBe(200);
    expect(await opens(next.body.access_token as string)).toBe(200);
  });

  it('revoking the RT with a wrong hint still ends the grant: its ATs and RT are dead', async () => {
    const { client, tokens: t1 } = await connect(stack.url);
    const grantId = (await stack.store.get('access', hashSecret(t1.access_token)))!.grantId;
    const t2 = (await refresh(stack.url, client, t1.refresh_token)).body as unknown as Tokens;
    expect(await opens(t1.access_token)).toBe(200);
    expect(await opens(t2.access_token)).toBe(200);
    await expectRevokeOk(await revoke(client, t2.refresh_token, 'access_token'));
    for (const at of [t1.access_token, t2.access_token])
      await expectChallenge(await mcpPost(stack.mcpUrl, at, toolsList), stack.url);
    const r = await refresh(stack.url, client, t2.refresh_token);
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid_grant');
    expect(await stack.store.get('grant', grantId)).toBeUndefined();
  });

  it('a random string → 200 and nothing changes', async () => {
    const { client, tokens } = await connect(stack.url);
    await expectRevokeOk(await revoke(client, randomBytes(32).toString('base64url')));
    await expectRevokeOk(await revoke(client, `oscm_rt_${randomBytes(32).toString('base64url')}`, 'refresh_token'));
    expect(await opens(tokens.access_token)).toBe(200);
    expect((await refresh(stack.url, client, tokens.refresh_token)).status).toBe(200);
  });

  it("client B revoking A's RT and AT → 200, but A's tokens still work", async () => {
    const { client: a, tokens } = await connect(stack.url);
    const b = await registerClient(stack.url, { client_name: 'Client B' });
    await expectRevokeOk(await revoke(b, tokens.refresh_token));
    await expectRevokeOk(await revoke(b, tokens.access_token));
    expect(await opens(tokens.access_token)).toBe(200);
    const next = await refresh(stack.url, a, tokens.refresh_token);
    expect(next.status).toBe(200);
  });

  it('requires client authentication: no client_id → 401 invalid_client, nothing revoked', async () => {
    const { tokens } = await connect(stack.url);
    const res = await fetch(`${stack.url}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.access_token }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_client');
    expect(await opens(tokens.access_token)).toBe(200);
  });
});
