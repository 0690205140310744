/**
 * get_instance: one instance's document, credentials redacted (docs/architecture.md, "The MCP endpoint"; src/emulator/README.md
 * "Instance document" echoes passwords in clear). Two OSC calls.
 */
import { defineTool, instanceArgs, instanceShape } from '../tool.js';
import { redactInstance } from '../redact.js';
import { stripControls } from '../sanitize-logs.js';
import { READ_ONLY } from './annotations.js';

export default defineTool({
  name: 'get_instance',
  title: 'Get an instance',
  description:
    'Shows one instance: URL, status and its configuration as OSC reports it. Passwords, keys and tokens are replaced by "[redacted]"; ' +
    'they cannot be read back through this server. Read-only; spends no OSC tokens.',
  scope: 'osc:read',
  inputSchema: instanceArgs,
  outputSchema: instanceShape,
  annotations: READ_ONLY,
  async handler({ serviceId, name }, ctx) {
    const instance = redactInstance(await ctx.osc.getInstance(serviceId, name, ctx.signal));
    const fields = Object.entries(instance.fields)
      .filter(([, v]) => typeof v !== 'object' || v === null)
      .map(([k, v]) => `- ${stripControls(k).slice(0, 64)}: ${stripControls(String(v)).slice(0, 300)}`);
    const head = `Instance ${instance.name} of ${serviceId}${instance.status ? ` [${instance.status}]` : ''}${instance.url ? `: ${instance.url}` : ''}`;
    return { structured: instance, text: [head, ...fields].join('\n') };
  },
});
