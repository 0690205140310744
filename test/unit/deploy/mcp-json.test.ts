// mcp.json (repository root) and the README's client configurations: valid JSON in the shape
// each client reads, all naming the sandbox's MCP endpoint, and one entry for every client
// the README promises.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/sandbox-process.js';

/** What `npm run sandbox` prints with the default PORT (docs/architecture.md, "Interface contract": PUBLIC_URL http://127.0.0.1:<PORT>). */
const SANDBOX_MCP_URL = 'http://127.0.0.1:8080/mcp';
const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const clients = readme.slice(
  readme.indexOf('\n## Clients\n'),
  readme.indexOf('\n## ', readme.indexOf('\n## Clients\n') + 5),
);

describe('mcp.json', () => {
  it('is JSON with one server, osc, over Streamable HTTP at the sandbox endpoint', () => {
    const cfg = JSON.parse(readFileSync(join(REPO_ROOT, 'mcp.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(cfg)).toEqual(['mcpServers']);
    expect(cfg.mcpServers).toEqual({ osc: { type: 'http', url: SANDBOX_MCP_URL } });
  });
});

describe('README client section', () => {
  it('has a configuration for every client it names', () => {
    for (const name of [
      '**`mcp.json`**',
      '**Claude Code**',
      '**Claude Desktop and claude.ai**',
      '**Cursor**',
      '**VS Code**',
      '**ChatGPT**',
      '**MCP Inspector**',
    ]) {
      expect(clients).toContain(name);
    }
  });

  it('every JSON block parses, in the shape its client reads, naming the sandbox endpoint', () => {
    const blocks = [...clients.matchAll(/```json\n([\s\S]*?)```/g)].map(
      (m) => JSON.parse(m[1]!) as Record<string, Record<string, Record<string, unknown>>>,
    );
    expect(blocks.length).toBe(3);
    const [desktop, cursor, vscode] = blocks;
    expect(desktop!.mcpServers!.osc).toEqual({ command: 'npx', args: ['-y', 'mcp-remote', SANDBOX_MCP_URL] });
    expect(cursor!.mcpServers!.osc).toEqual({ url: SANDBOX_MCP_URL });
    expect(vscode!.servers!.osc).toEqual({ type: 'http', url: SANDBOX_MCP_URL });
  });

  it('the Claude Code command adds the endpoint over HTTP; hosted clients are told to use the public https URL', () => {
    expect(clients).toContain(`claude mcp add --transport http osc ${SANDBOX_MCP_URL}`);
    expect(clients).toContain('claude --mcp-config mcp.json');
    expect(clients).toMatch(/custom\s+connector[\s\S]*https:\/\/mcp\.example\.com\/mcp/);
  });
});
