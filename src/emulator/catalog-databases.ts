/**
 * Seed database services and the parameter store, with the ids, nouns and options the live
 * catalog gives them (client-ts `packages/services/src/generated/{valkey-io-valkey,
 * apache-couchdb,birme-osc-postgresql,linuxserver-docker-mariadb,eyevinn-app-config-svc}.ts`;
 * Terraform provider docs `docs/resources/<id>.md`). Passwords are flagged `sensitive`, as
 * the provider's catalog mirror flags CouchDB's `AdminPassword`. External TCP ports
 * (`tcpPort`) are the databases' standard ports (GUESS for PostgreSQL and MariaDB: Valkey's
 * 6379 is what client-ts `packages/db/src/valkey.ts` looks for in `/ports`). CouchDB speaks
 * HTTP on its instance URL, so it exposes no extra port.
 */
import { nameOption, type SeedService } from './catalog-types.js';

export const DATABASE_SERVICES: readonly SeedService[] = [
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
    internalPorts: [{ name: 'redis', port: 6379, protocol: 'TCP' }],
    options: [
      nameOption('valkey'),
      {
        name: 'Password',
        label: 'Password',
        description: 'Password for the default user',
        type: 'string',
        mandatory: false,
        sensitive: true,
      },
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
    internalPorts: [{ name: 'http', port: 5984, protocol: 'TCP' }],
    options: [
      nameOption('couchdb'),
      {
        name: 'AdminPassword',
        label: 'AdminPassword',
        description: 'Choose a password for administrator',
        type: 'string',
        mandatory: true,
        sensitive: true,
      },
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
    internalPorts: [{ name: 'postgres', port: 5432, protocol: 'TCP' }],
    options: [
      nameOption('osc-postgresql'),
      {
        name: 'PostgresPassword',
        label: 'PostgresPassword',
        description: 'Password for the PostgreSQL superuser account',
        type: 'string',
        mandatory: true,
        sensitive: true,
      },
      {
        name: 'PostgresUser',
        label: 'PostgresUser',
        description: "Superuser name; 'postgres' when not given",
        type: 'string',
        mandatory: false,
      },
      {
        name: 'PostgresDb',
        label: 'PostgresDb',
        description: 'Default database; the user name when not given',
        type: 'string',
        mandatory: false,
      },
      {
        name: 'PostgresInitDbArgs',
        label: 'PostgresInitDbArgs',
        description: 'Extra arguments for initdb',
        type: 'string',
        mandatory: false,
      },
      {
        name: 'PostgresInitDbSql',
        label: 'PostgresInitDbSql',
        description: 'SQL to run when the database is initialised',
        type: 'string',
        mandatory: false,
      },
    ],
  },
  {
    serviceId: 'linuxserver-docker-mariadb',
    noun: 'docker-mariadb',
    title: 'MariaDB',
    description: 'MariaDB database server.',
    category: 'database',
    repoUrl: 'https://github.com/linuxserver/docker-mariadb',
    keywords: ['sql', 'mysql', 'mariadb', 'database'],
    tokensPerDay: 4,
    tcpPort: 3306,
    internalPorts: [{ name: 'mysql', port: 3306, protocol: 'TCP' }],
    options: [
      nameOption('docker-mariadb'),
      {
        name: 'RootPassword',
        label: 'RootPassword',
        description: 'Administrator password for database server',
        type: 'string',
        mandatory: true,
        sensitive: true,
      },
      {
        name: 'Database',
        label: 'Database',
        description: 'Name of a database to create at first start',
        type: 'string',
        mandatory: false,
      },
      {
        name: 'User',
        label: 'User',
        description: 'A user with superuser access to that database',
        type: 'string',
        mandatory: false,
      },
      {
        name: 'Password',
        label: 'Password',
        description: 'Password of that user',
        type: 'string',
        mandatory: false,
        sensitive: true,
      },
    ],
  },
  {
    // The service a parameter store runs on (Terraform osc_deploy_api.go `appConfigServiceID`),
    // backed by a Valkey instance (Eyevinn/app-config-svc readme). Its generated OpenAPI has
    // neither PATCH nor restart.
    serviceId: 'eyevinn-app-config-svc',
    noun: 'app-config-svc',
    title: 'Application Configuration Service',
    description: 'Serves application configuration values from a Redis-compatible key/value store.',
    category: 'devel',
    repoUrl: 'https://github.com/Eyevinn/app-config-svc',
    keywords: ['configuration', 'parameter store', 'environment'],
    tokensPerDay: 1,
    supportsUpdate: false,
    supportsRestart: false,
    options: [
      nameOption('app-config-svc'),
      {
        name: 'RedisUrl',
        label: 'RedisUrl',
        description: 'Connection URL for the Redis or Redis-compatible store behind it',
        type: 'string',
        mandatory: true,
      },
      {
        name: 'ConfigApiKey',
        label: 'ConfigApiKey',
        description: 'API key for reading secret parameters in plain text',
        type: 'string',
        mandatory: false,
        sensitive: true,
      },
      {
        name: 'ParameterEncryptionKey',
        label: 'ParameterEncryptionKey',
        description: 'Key that encrypts secret parameters at rest',
        type: 'string',
        mandatory: false,
        sensitive: true,
      },
    ],
  },
];
