/**
 * `deploy.svc.<env>.osaas.io`, the deploy manager (src/emulator/README.md, "My Apps",
 * "other deploy-manager"; E.3): service secrets (deploy-secrets.ts), parameter stores
 * (deploy-stores.ts) and My Apps (deploy-apps.ts), all with the PAT in `x-pat-jwt`.
 */
import { Router } from 'express';
import type { EmulatorState } from '../state.js';
import { deployAppsRouter } from './deploy-apps.js';
import { deploySecretsRouter } from './deploy-secrets.js';
import { deployStoresRouter } from './deploy-stores.js';

export function deployRouter(state: EmulatorState): Router {
  const r = Router();
  r.use(deploySecretsRouter(state));
  r.use(deployStoresRouter(state));
  r.use(deployAppsRouter(state));
  return r;
}
