/**
 * get_instance_endpoints: how an app reaches an instance (src/emulator/README.md, `/ports`
 * and `/internal-endpoint`): its public URL, external IP and ports, the internal DNS name and
 * ports within the workspace, and whether public access is on. No credentials: OSC sends
 * none on these routes. Three OSC calls in parallel (plus the catalog when uncached).
 */
import { z } from 'zod';
import { defineTool, instanceArgs } from '../tool.js';
import { stripControls } from '../sanitize-logs.js';
import { READ_ONLY } from './annotations.js';

const clean = (s: string, max = 253) => stripControls(s).slice(0, max);

export default defineTool({
  name: 'get_instance_endpoints',
  title: 'Get how to connect to an instance',
  description:
    'Shows everything an app needs to connect to an instance, without credentials: the public URL, the external IP and TCP ports where OSC exposes them, ' +
    'the internal DNS name and ports other instances in the same workspace use, and whether public access is on. Use it to wire an app to a database. ' +
    'Read-only; spends no OSC tokens.',
  scope: 'osc:read',
  inputSchema: instanceArgs,
  outputSchema: {
    serviceId: z.string(),
    name: z.string(),
    url: z.string().optional(),
    external: z.array(z.object({ ip: z.string(), port: z.number().int(), internalPort: z.number().int() })),
    internalDns: z.string().optional(),
    internalPorts: z.array(z.object({ name: z.string(), port: z.number().int(), protocol: z.string() })),
    publicAccess: z.boolean(),
  },
  annotations: READ_ONLY,
  async handler({ serviceId, name }, ctx) {
    const e = await ctx.osc.instanceEndpoints(serviceId, name, ctx.signal);
    const external = e.external
      .slice(0, 20)
      .map((p) => ({ ip: clean(p.ip, 64), port: p.port, internalPort: p.internalPort }));
    const internalPorts = e.internalPorts
      .slice(0, 20)
      .map((p) => ({ name: clean(p.name, 32), port: p.port, protocol: clean(p.protocol, 16) }));
    const structured = {
      serviceId,
      name,
      url: e.url === undefined ? undefined : clean(e.url, 2048),
      external,
      internalDns: e.internalDns === undefined ? undefined : clean(e.internalDns),
      internalPorts,
      publicAccess: e.publicAccess,
    };
    const lines = [
      `Endpoints of ${name} (${serviceId}):`,
      `- public URL: ${structured.url ?? '(none)'}`,
      external.length > 0
        ? `- from outside OSC: ${external.map((p) => `${p.ip}:${p.port} (→ ${p.internalPort})`).join(', ')}`
        : '- from outside OSC: no TCP port exposed',
      `- inside the workspace: ${structured.internalDns ?? '(no DNS name)'}${internalPorts.length ? ` ports ${internalPorts.map((p) => `${p.port}/${p.protocol}${p.name ? ` (${p.name})` : ''}`).join(', ')}` : ''}`,
      `- public access: ${e.publicAccess ? 'on' : 'off'}`,
    ];
    return { structured, text: lines.join('\n') };
  },
});
