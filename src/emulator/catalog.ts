/**
 * The seed catalog. Records follow osc-api.md B (`serviceId, apiUrl, serviceType, status,
 * serviceMetadata{…}, serviceInstanceOptions[…]`); option names, labels and `sensitive` flags
 * follow the Terraform provider's catalog mirror (osc-api.md E.3), including its gaps: some
 * secret-looking options (e.g. `smbServerApiKey`) are not flagged `sensitive`, as in the live
 * catalog, so redaction by name pattern gets exercised too.
 *
 * `serviceMetadata.tokensPerDay` is the per-day token price (GUESS: OSC shows prices per day,
 * osc-api.md A.9; the field name is ours).
 */
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
  /** Internal port exposed as an extra TCP port (`GET /ports/:name`), when any. */
  tcpPort?: number;
  options: ServiceOption[];
}

const nameOption = (noun: string): ServiceOption => ({
  name: 'name',
  label: 'Name',
  description: `Name of ${noun}`,
  type: 'string',
  mandatory: true,
  regexValidator: '^\\w+$',
});

export const SERVICES: readonly SeedService[] = [
  {
    serviceId: 'minio-minio',
    noun: 'minio',
    title: 'MinIO',
    description: 'High-performance, S3-compatible object storage.',
    category: 'storage',
    repoUrl: 'https://github.com/minio/minio',
    keywords: ['s3', 'object storage', 'bucket'],
    tokensPerDay: 3,
    options: [
      nameOption('minio'),
      { name: 'RootUser', label: 'RootUser', description: 'Root user name', type: 'string', mandatory: true },
      { name: 'RootPassword', label: 'RootPassword', description: 'Root user password', type: 'string', mandatory: true, sensitive: true },
    ],
  },
  {
    serviceId: 'valkey-io-valkey',
    noun: 'valkey',
    title: 'Valkey',
    description: 'An open source, in-memory key/value datastore, a Redis fork.',
    category: 'database',
    repoUrl: 'https://github.com/valkey-io/valkey',
    keywords: ['redis', 'cache', 'key-value'],
    tokensPerDay: 2,
    tcpPort: 6379,
    options: [
      nameOption('valkey'),
      { name: 'Password', label: 'Password', description: 'Password for the default user', type: 'string', mandatory: false, sensitive: true },
    ],
  },
  {
    serviceId: 'apache-couchdb',
    noun: 'couchdb',
    title: 'Couch DB',
    description: 'Scalable, highly available document database that syncs.',
    category: 'database',
    repoUrl: 'https://github.com/apache/couchdb',
    keywords: ['nosql', 'document', 'database'],
    tokensPerDay: 3,
    options: [
      nameOption('couchdb'),
      { name: 'AdminPassword', label: 'AdminPassword', description: 'Choose a password for administrator', type: 'string', mandatory: true, sensitive: true },
    ],
  },
  {
    serviceId: 'birme-osc-postgresql',
    noun: 'osc-postgresql',
    title: 'PostgreSQL',
    description: 'PostgreSQL database server.',
    category: 'database',
    repoUrl: 'https://github.com/birme/osc-postgresql',
    keywords: ['sql', 'postgres', 'database'],
    tokensPerDay: 4,
    tcpPort: 5432,
    options: [
      nameOption('osc-postgresql'),
      { name: 'PostgresPassword', label: 'PostgresPassword', description: 'Superuser password', type: 'string', mandatory: true, sensitive: true },
      { name: 'PostgresUser', label: 'PostgresUser', description: 'Superuser name', type: 'string', mandatory: false, default: 'postgres' },
      { name: 'PostgresDb', label: 'PostgresDb', description: 'Default database', type: 'string', mandatory: false },
      { name: 'PostgresHostAuthMethod', label: 'PostgresHostAuthMethod', description: 'Host authentication method', type: 'enum', enums: ['scram-sha-256', 'md5', 'trust'], mandatory: false, default: 'scram-sha-256' },
    ],
  },
  {
    serviceId: 'eyevinn-intercom-manager',
    noun: 'intercom-manager',
    title: 'Open Intercom Server',
    description: 'Open source intercom solution based on WebRTC and SMB.',
    category: 'media',
    repoUrl: 'https://github.com/Eyevinn/intercom-manager',
    keywords: ['intercom', 'webrtc', 'production'],
    tokensPerDay: 10,
    options: [
      nameOption('intercom-manager'),
      { name: 'smbServerBaseUrl', label: 'SmbServerBaseUrl', description: 'URL to the Symphony Media Bridge', type: 'string', mandatory: true, regexValidator: '^https?://' },
      { name: 'smbServerApiKey', label: 'SmbServerApiKey', description: 'API key for the media bridge', type: 'string', mandatory: false },
      { name: 'dbConnectionString', label: 'DbConnectionString', description: 'CouchDB connection string with credentials', type: 'string', mandatory: true, sensitive: true },
      { name: 'oscToken', label: 'OscToken', description: 'OSC personal access token', type: 'string', mandatory: false, sensitive: true },
    ],
  },
  {
    serviceId: 'eyevinn-test-adserver',
    noun: 'test-adserver',
    title: 'Test Adserver',
    description: 'A VAST/VMAP ad server for testing server-side ad insertion.',
    category: 'devel',
    repoUrl: 'https://github.com/Eyevinn/test-adserver',
    keywords: ['vast', 'vmap', 'ads'],
    tokensPerDay: 1,
    options: [
      nameOption('test-adserver'),
      { name: 'MrssOrigin', label: 'MrssOrigin', description: 'Origin of the MRSS feed with ads', type: 'string', mandatory: false },
    ],
  },
  {
    serviceId: 'eyevinn-auto-subtitles',
    noun: 'auto-subtitles',
    title: 'Subtitle Generator',
    description: 'Generates subtitles for a video with speech-to-text.',
    category: 'ai',
    repoUrl: 'https://github.com/Eyevinn/auto-subtitles',
    keywords: ['subtitles', 'whisper', 'speech-to-text'],
    tokensPerDay: 25,
    excludeFromFree: true,
    options: [
      nameOption('auto-subtitles'),
      { name: 'openaikey', label: 'OpenAI API Key', description: 'OpenAI API key', type: 'string', mandatory: true, sensitive: true },
      { name: 'awsAccessKeyId', label: 'AWS Access Key Id', type: 'string', mandatory: false },
      { name: 'awsSecretAccessKey', label: 'AWS Secret Access Key', type: 'string', mandatory: false, sensitive: true },
      { name: 'awsRegion', label: 'AWS Region', type: 'string', mandatory: false, default: 'eu-north-1' },
    ],
  },
];

export function findService(serviceId: string): SeedService | undefined {
  return SERVICES.find((s) => s.serviceId === serviceId);
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
