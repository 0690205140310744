/** The shape of a seed catalog entry (catalog.ts explains where each field comes from). */
export interface ServiceOption {
  name: string;
  label: string;
  description?: string;
  type: 'string' | 'boolean' | 'enum' | 'list';
  enums?: string[];
  mandatory: boolean;
  regexValidator?: string;
  default?: string;
  sensitive?: boolean;
}

/** A port of an instance as `GET /internal-endpoint/:name` lists it (client-ts core.ts `InternalEndpointInfo`). */
export interface InternalPort {
  name: string;
  port: number;
  protocol: 'TCP' | 'UDP';
}

export interface SeedService {
  serviceId: string;
  noun: string;
  title: string;
  description: string;
  category: string;
  repoUrl: string;
  keywords: string[];
  tokensPerDay: number;
  excludeFromFree?: boolean;
  /** Internal port also exposed as an extra external TCP port (`GET /ports/:name`), when any. */
  tcpPort?: number;
  /** Ports inside the workspace (`GET /internal-endpoint/:name`); default one `http` port 8080. */
  internalPorts?: InternalPort[];
  /**
   * `false` when the service's OpenAPI has no `PATCH /<noun>instance/{id}` (client-ts
   * generated types: eyevinn-auto-subtitles, eyevinn-app-config-svc); the route then does
   * not exist and Fastify answers its 404 "Route PATCH:… not found".
   */
  supportsUpdate?: boolean;
  /** `false` when the OpenAPI has no `POST /restart/{id}` (eyevinn-app-config-svc). */
  supportsRestart?: boolean;
  options: ServiceOption[];
}

export const nameOption = (noun: string): ServiceOption => ({
  name: 'name',
  label: 'Name',
  description: `Name of ${noun}`,
  type: 'string',
  mandatory: true,
  regexValidator: '^\\w+$',
});
