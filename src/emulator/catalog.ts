/**
 * The seed catalog's shape and lookups. Records follow src/emulator/README.md (`serviceId, apiUrl,
 * serviceType, status, serviceMetadata{…}, serviceInstanceOptions[…]`); option names,
 * labels and `sensitive` flags follow the Terraform provider's catalog mirror and the
 * services' generated OpenAPI types in client-ts (`packages/services/src/generated/*.ts`),
 * including their gaps: some secret-looking options (e.g. `smbServerApiKey`) are not
 * flagged `sensitive`, as in the live catalog, so redaction by name pattern gets exercised.
 * The services themselves are listed in catalog-services.ts (media, storage, apps) and
 * catalog-databases.ts (databases and the parameter store).
 *
 * `serviceMetadata.tokensPerDay` is the per-day token price (GUESS: OSC shows prices per day,
 * src/emulator/README.md; the field name is ours).
 */
import { DATABASE_SERVICES } from './catalog-databases.js';
import { OTHER_SERVICES } from './catalog-services.js';
import type { InternalPort, SeedService } from './catalog-types.js';

export type { InternalPort, SeedService, ServiceOption } from './catalog-types.js';

export const SERVICES: readonly SeedService[] = [...OTHER_SERVICES, ...DATABASE_SERVICES];

export function findService(serviceId: string): SeedService | undefined {
  return SERVICES.find((s) => s.serviceId === serviceId);
}

export function internalPortsOf(s: SeedService): InternalPort[] {
  return s.internalPorts ?? [{ name: 'http', port: 8080, protocol: 'TCP' }];
}

export function apiHost(serviceId: string, env: string): string {
  return `api-${serviceId}.auto.${env}.osaas.io`;
}

/** The full record as `GET /mysubscriptions` returns it, `apiUrl` on the caller's `<env>`. */
export function serviceRecord(s: SeedService, env: string): Record<string, unknown> {
  return {
    serviceId: s.serviceId,
    apiUrl: `https://${apiHost(s.serviceId, env)}/${s.noun}instance`,
    serviceType: 'instance',
    status: 'PUBLISHED',
    serviceMetadata: {
      title: s.title,
      description: s.description,
      documentationUrl: `https://docs.osaas.io/osaas.wiki/Service%3A-${encodeURIComponent(s.title.replace(/ /g, '-'))}.html`,
      repoUrl: s.repoUrl,
      category: s.category,
      keywords: s.keywords,
      instanceNoun: s.noun,
      subscriptionFee: { currencyCode: 'EUR', value: 0 },
      excludeFromFree: s.excludeFromFree ?? false,
      tokensPerDay: s.tokensPerDay,
    },
    serviceInstanceOptions: s.options,
    availableServiceInstanceOptions: s.options,
    serviceAssociations: [],
  };
}
