/**
 * Seed services that are not databases (catalog-services.json): storage, media, AI, and the
 * Web Runner My Apps run on. Options follow the Terraform provider's catalog mirror and
 * client-ts's generated OpenAPI types (`packages/services/src/generated/<serviceId>.ts`).
 * `eyevinn-web-runner` is Terraform osc_deploy_api.go's `webRunnerServiceID`, with the options
 * of the generated eyevinn-web-runner.ts plus `SubPath`/`ConfigApiKey` from the provider docs;
 * `eyevinn-auto-subtitles` has no PATCH route in its generated OpenAPI (`supportsUpdate: false`).
 */
import { loadSeedServices } from './catalog-types.js';

export const OTHER_SERVICES = loadSeedServices('./catalog-services.json');
