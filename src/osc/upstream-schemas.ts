/**
 * What OSC sends, parsed with zod before anything uses it (UPSTREAM-11), and mapped to
 * the port's domain types (./platform.ts). Shapes from src/emulator/README.md (service record,
 * instance document, SAT) and A.9 (plan, balance). Loose objects: OSC adds fields, and a
 * field we do not know is not an error, but a missing one we rely on is.
 */
import { z } from 'zod';
import type { HealthStatus, Instance, Service, ServiceOption } from './platform.js';

const Option = z.looseObject({
  name: z.string().min(1),
  label: z.string().optional(),
  description: z.string().optional(),
  type: z.string().default('string'),
  mandatory: z.boolean().default(false),
  enums: z.array(z.string()).optional(),
  regexValidator: z.string().optional(),
  default: z.unknown().optional(),
  sensitive: z.boolean().optional(),
});

export const ServiceRecord = z.looseObject({
  serviceId: z.string().min(1),
  apiUrl: z.string().url().optional(),
  serviceType: z.string().optional(),
  serviceMetadata: z
    .looseObject({
      title: z.string().optional(),
      description: z.string().optional(),
      documentationUrl: z.string().optional(),
      category: z.string().optional(),
      instanceNoun: z.string().optional(),
      indicativePricing: z.string().optional(),
      tokensPerDay: z.number().optional(),
    })
    .optional(),
  serviceInstanceOptions: z.array(Option).optional(),
});
export type ServiceRecord = z.infer<typeof ServiceRecord>;

export const Subscriptions = z.array(ServiceRecord).max(5000);

export const InstanceDoc = z.looseObject({
  name: z.string().min(1),
  url: z.string().optional(),
  status: z.string().optional(),
});
export const InstanceList = z.array(InstanceDoc).max(10_000);

export const SatReply = z.object({
  token: z.string().min(1),
  /** Unix seconds (APIDOC). */
  expiry: z.number().positive(),
});

export const HealthReply = z.looseObject({ status: z.string() });
export const PlanReply = z.looseObject({ name: z.string().min(1) });
/** Shape GUESS (src/emulator/README.md): the caller's element of the admin `/tokencount` list. */
export const TokenCountReply = z.looseObject({
  tokenCount: z.number().optional(),
  remainingTokens: z.number().optional(),
  availableTokens: z.number().optional(),
});

function option(o: z.infer<typeof Option>): ServiceOption {
  return {
    name: o.name,
    label: o.label,
    description: o.description,
    type: o.type,
    mandatory: o.mandatory,
    enums: o.enums,
    regexValidator: o.regexValidator,
    default: o.default === undefined || o.default === null ? undefined : String(o.default),
    sensitive: o.sensitive === true,
  };
}

export function toService(r: ServiceRecord): Service {
  const m = r.serviceMetadata ?? {};
  const pricing =
    m.indicativePricing ??
    (m.tokensPerDay === undefined ? undefined : `${m.tokensPerDay} OSC tokens per day per instance`);
  return {
    serviceId: r.serviceId,
    title: m.title ?? r.serviceId,
    description: m.description,
    category: m.category,
    documentationUrl: m.documentationUrl,
    instanceNoun: m.instanceNoun,
    serviceType: r.serviceType,
    pricing,
    options: (r.serviceInstanceOptions ?? []).map(option),
  };
}

export function toInstance(r: ServiceRecord, doc: z.infer<typeof InstanceDoc>): Instance {
  // `_links` are OSC's internal API paths: of no use to a model (src/emulator/README.md).
  const { name, url, status, _links, ...fields } = doc;
  void _links;
  const sensitive = (r.serviceInstanceOptions ?? []).filter((o) => o.sensitive === true).map((o) => o.name);
  return { serviceId: r.serviceId, name, url, status, fields, sensitive };
}

const KNOWN_HEALTH: readonly HealthStatus[] = ['starting', 'running', 'stopped', 'failed', 'unknown'];

export function toHealth(status: string): HealthStatus {
  const s = status.toLowerCase();
  return (KNOWN_HEALTH as readonly string[]).includes(s) ? (s as HealthStatus) : 'unknown';
}

export const SecretList = z.array(z.looseObject({ secretName: z.string().min(1) })).max(10_000);

export const PortsReply = z
  .array(z.looseObject({ externalIp: z.string(), externalPort: z.number().int(), internalPort: z.number().int() }))
  .max(100);

export const InternalEndpointReply = z.looseObject({
  serviceDns: z.string().optional(),
  ports: z
    .array(z.looseObject({ name: z.string().default(''), port: z.number().int(), protocol: z.string().default('TCP') }))
    .max(100)
    .default([]),
  publicAccess: z.boolean().default(true),
});

export const ConfigItem = z.looseObject({ key: z.string(), value: z.unknown(), secret: z.boolean().optional() });
export const ConfigListReply = z.looseObject({
  offset: z.number().int().default(0),
  total: z.number().int().default(0),
  items: z.array(ConfigItem).max(1000),
});
