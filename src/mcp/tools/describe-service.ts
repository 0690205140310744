/**
 * describe_service: one service's options schema (`serviceInstanceOptions`, src/emulator/README.md)
 * and price, so a model can fill `create_instance` correctly. One OSC call.
 */
import { z } from 'zod';
import { defineTool, serviceIdArg } from '../tool.js';
import { cleanText as clean, serviceSummaryShape } from './service-summary.js';
import { READ_ONLY } from './annotations.js';

export default defineTool({
  name: 'describe_service',
  title: 'Describe a service',
  description:
    'Shows one subscribed service: what it is, its indicative price in OSC tokens, and every option create_instance accepts for it ' +
    '(name, type, whether mandatory, allowed values, default, format) and which are secrets to give as "{{secrets.<name>}}". Use it before create_instance. Read-only; spends no OSC tokens.',
  scope: 'osc:read',
  inputSchema: { serviceId: serviceIdArg },
  outputSchema: {
    ...serviceSummaryShape,
    documentationUrl: z.string().optional(),
    options: z.array(
      z.object({
        name: z.string(),
        label: z.string().optional(),
        description: z.string().optional(),
        type: z.string(),
        mandatory: z.boolean(),
        enums: z.array(z.string()).optional(),
        default: z.string().optional(),
        pattern: z.string().optional(),
        sensitive: z.boolean(),
      }),
    ),
  },
  annotations: READ_ONLY,
  async handler({ serviceId }, ctx) {
    const s = await ctx.osc.describeService(serviceId, ctx.signal);
    const options = s.options
      .filter((o) => o.name !== 'name')
      .map((o) => ({
        name: o.name,
        label: clean(o.label, 100),
        description: clean(o.description, 300),
        type: o.type,
        mandatory: o.mandatory,
        enums: o.enums,
        // A default of a sensitive option is a credential too.
        default: o.sensitive ? undefined : clean(o.default, 200),
        pattern: o.regexValidator,
        sensitive: o.sensitive,
      }));
    const lines = options.map(
      (o) =>
        `- ${o.name} (${o.type}${o.mandatory ? ', mandatory' : ''}${o.sensitive ? ', secret: give as "{{secrets.<name>}}"' : ''})${o.enums ? ` one of ${o.enums.join(' | ')}` : ''}${o.description ? `: ${o.description}` : ''}`,
    );
    const structured = {
      serviceId: s.serviceId,
      title: clean(s.title, 100) ?? s.serviceId,
      description: clean(s.description, 1000),
      category: s.category,
      pricing: s.pricing,
      documentationUrl: s.documentationUrl,
      options,
    };
    const head = `${structured.title} (${s.serviceId})${s.pricing ? `, ${s.pricing}` : ''}. Options for create_instance besides the name:`;
    const note = options.some((o) => o.sensitive)
      ? 'Secret options should be given as "{{secrets.<name>}}", a reference to a service secret (list_secrets), so the value never passes through this chat.'
      : undefined;
    return { structured, text: [head, ...(lines.length ? lines : ['(none)']), ...(note ? [note] : [])].join('\n') };
  },
});
