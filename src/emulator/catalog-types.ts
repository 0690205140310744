import { readFileSync } from 'node:fs';

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

/**
 * Reads a seed catalog file beside this module (catalog-databases.json, catalog-services.json):
 * entries as `SeedService` without their leading `name` option, which every service has in the
 * same form (`nameOption(noun)`), and with an optional `note` saying where an entry's less
 * obvious fields come from (dropped here). The emulator runs from source only
 * (tsconfig.build.json excludes it), so the file is always beside the module.
 */
export function loadSeedServices(file: string): readonly SeedService[] {
  const entries = JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')) as Array<
    SeedService & { note?: string }
  >;
  return entries.map(({ note: _note, options, ...service }) => ({
    ...service,
    options: [nameOption(service.noun), ...options],
  }));
}
