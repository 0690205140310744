/**
 * Seed database services and the parameter store (catalog-databases.json), with the ids, nouns
 * and options the live catalog gives them (client-ts `packages/services/src/generated/{valkey-io-valkey,
 * apache-couchdb,birme-osc-postgresql,linuxserver-docker-mariadb,eyevinn-app-config-svc}.ts`;
 * Terraform provider docs `docs/resources/<id>.md`). Passwords are flagged `sensitive`, as
 * the provider's catalog mirror flags CouchDB's `AdminPassword`. External TCP ports
 * (`tcpPort`) are the databases' standard ports (GUESS for PostgreSQL and MariaDB: Valkey's
 * 6379 is what client-ts `packages/db/src/valkey.ts` looks for in `/ports`). CouchDB speaks
 * HTTP on its instance URL, so it exposes no extra port. The parameter store's service,
 * `eyevinn-app-config-svc`, is what Terraform's osc_deploy_api.go `appConfigServiceID` names;
 * its generated OpenAPI has neither PATCH nor restart.
 */
import { loadSeedServices } from './catalog-types.js';

export const DATABASE_SERVICES = loadSeedServices('./catalog-databases.json');
