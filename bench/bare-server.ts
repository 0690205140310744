/**
 * The baseline of `npm run bench`: the MCP SDK v1 as its stateless Streamable HTTP example
 * uses it (a new McpServer and transport per request, express.json, no authorization, no
 * logging), with the same tools making the same upstream calls through @osaas/client-core
 * against the same emulator, over the same global dispatcher as osc-mcp
 * (src/osc/dispatcher.ts), so the upstream transport costs the same on both sides.
 *
 * Environment: PORT, OSC_EMULATOR_URL, OSC_ENVIRONMENT, BENCH_PAT (a PAT the emulator
 * minted for the demo user; no OAuth, no store, no sealing).
 */
import express from 'express';
import { z } from 'zod';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { Context, createFetch, listInstances, listSubscriptions } from '@osaas/client-core';
import { installOscDispatcher } from '../src/osc/dispatcher.js';

const port = Number(process.env.PORT ?? 0);
const env = process.env.OSC_ENVIRONMENT ?? 'emu';
const pat = process.env.BENCH_PAT ?? '';
installOscDispatcher({
  emulatorUrl: process.env.OSC_EMULATOR_URL,
  connectTimeoutMs: 5_000,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
});

const ctx = new Context({ personalAccessToken: pat, environment: env });
const money = `https://money.svc.${env}.osaas.io`;
const sats = new Map<string, Promise<string>>();
const sat = (serviceId: string) => {
  let s = sats.get(serviceId);
  if (!s) {
    s = ctx.getServiceAccessToken(serviceId);
    sats.set(serviceId, s);
  }
  return s;
};

function buildServer(): McpServer {
  const server = new McpServer({ name: 'bare-sdk', version: '0.0.0' });
  server.registerTool(
    'token_balance',
    {
      description: 'plan and balance',
      inputSchema: {},
      outputSchema: {
        plan: z.string(),
        remaining: z.number().optional(),
        available: z.number().optional(),
        used: z.number().optional(),
      },
      annotations: { readOnlyHint: true },
    },
    async () => {
      const headers = { 'x-pat-jwt': `Bearer ${pat}` };
      const [plan, count] = await Promise.all([
        createFetch<{ name: string }>(`${money}/mytenantplan`, { headers }),
        createFetch<{ availableTokens?: number; tokenCount?: number; remainingTokens?: number }>(
          `${money}/mytokencount`,
          { headers },
        ),
      ]);
      const structured = {
        plan: plan.name,
        remaining: count.remainingTokens,
        available: count.availableTokens,
        used: count.tokenCount,
      };
      return { content: [{ type: 'text', text: `Plan: ${plan.name}.` }], structuredContent: structured };
    },
  );
  server.registerTool(
    'list_services',
    {
      description: 'subscribed services',
      inputSchema: {},
      outputSchema: { services: z.array(z.object({ serviceId: z.string() }).passthrough()) },
      annotations: { readOnlyHint: true },
    },
    async () => {
      const subs = (await listSubscriptions(ctx)) as unknown as Array<{ serviceId: string }>;
      const services = subs.map((s) => ({ serviceId: s.serviceId }));
      return { content: [{ type: 'text', text: `${services.length} services` }], structuredContent: { services } };
    },
  );
  server.registerTool(
    'list_instances',
    {
      description: 'instances of a service',
      inputSchema: { serviceId: z.string() },
      outputSchema: { instances: z.array(z.record(z.string(), z.unknown())) },
      annotations: { readOnlyHint: true },
    },
    async ({ serviceId }) => {
      const list = (await listInstances(ctx, serviceId, await sat(serviceId))) as Array<Record<string, unknown>>;
      return { content: [{ type: 'text', text: `${list.length} instances` }], structuredContent: { instances: list } };
    },
  );
  return server;
}

const app = express();
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.post('/mcp', express.json(), async (req, res) => {
  const server = buildServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, req.body);
});
app.listen(port, '127.0.0.1');
// Exits on SIGTERM (as osc-mcp does), so `--cpu-prof` (npm run bench --profile) writes its profile.
process.once('SIGTERM', () => process.exit(0));
