// The interface contract (docs/architecture.md, "Interface contract"): `npm run sandbox` as an outside script runs it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxProcess } from '../support/sandbox-process.js';
import { until } from '../support/wait.js';

let sb: SandboxProcess;
beforeAll(async () => {
  sb = await startSandbox({ launch: 'npm run sandbox' });
}, 90_000);
afterAll(() => sb?.kill());

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return false;
  } catch {
    return true;
  }
}

describe('npm run sandbox', () => {
  it('prints `MCP endpoint: http://127.0.0.1:<PORT>/mcp` for the PORT it was given', () => {
    expect(sb.mcpUrl).toBe(`http://127.0.0.1:${sb.port}/mcp`);
    expect(sb.output()).toMatch(new RegExp(`^MCP endpoint: http://127\\.0\\.0\\.1:${sb.port}/mcp$`, 'm'));
    expect(sb.emulatorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('names exactly the printed URL as the protected resource, and the issuer on the same origin', async () => {
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const res = await fetch(new URL(path, sb.mcpUrl));
      expect(res.status).toBe(200);
      const prm = (await res.json()) as { resource: string; authorization_servers: string[] };
      expect(prm.resource).toBe(sb.mcpUrl);
      expect(prm.authorization_servers).toEqual([`http://127.0.0.1:${sb.port}`]);
    }
    const as = (await (await fetch(new URL('/.well-known/oauth-authorization-server', sb.mcpUrl))).json()) as {
      issuer: string;
    };
    expect(as.issuer).toBe(`http://127.0.0.1:${sb.port}`);
  });

  it('answers GET /mcp with 405 and Allow: POST (the Inspector gives up on a 404)', async () => {
    const res = await fetch(sb.mcpUrl, { headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('answers an unauthenticated POST /mcp with the challenge that starts OAuth', async () => {
    const res = await fetch(sb.mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain(
      `resource_metadata="http://127.0.0.1:${sb.port}/.well-known/oauth-protected-resource/mcp"`,
    );
  });

  it('stops cleanly on SIGTERM: exit 0, the port and the emulator closed', async () => {
    sb.terminate();
    const code = await Promise.race([sb.exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))]);
    const stillServing = !(await refused(sb.mcpUrl));
    // npm killed by the signal while the server still answers = the signal never reached
    // the server (npm → sh → tsx: `sh -c` does not pass SIGTERM on).
    expect({ code, stillServing }).toEqual({ code: 0, stillServing: false });
    // The emulator child gets SIGTERM from the sandbox; give it a moment (up to 5 s) to close its port.
    await until(() => refused(`${sb.emulatorUrl}/__emulator/stats`), 5_000, 'the emulator closed its port');
  }, 30_000);
});
