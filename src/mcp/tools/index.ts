/**
 * The tool registry: an ordered array . A new tool is one file plus one
 * line here. test/unit/mcp/tools/index.test.ts checks its invariants and schema snapshots.
 */
import type { AnyTool } from '../tool.js';
import listServices from './list-services.js';
import describeService from './describe-service.js';
import listInstances from './list-instances.js';
import getInstance from './get-instance.js';
import createInstance from './create-instance.js';
import deleteInstance from './delete-instance.js';
import restartInstance from './restart-instance.js';
import readLogs from './read-logs.js';
import tokenBalance from './token-balance.js';
import listSecrets from './list-secrets.js';
import setSecret from './set-secret.js';
import deleteSecret from './delete-secret.js';
import getInstanceEndpoints from './get-instance-endpoints.js';
import updateInstance from './update-instance.js';
import createConfigStore from './create-config-store.js';
import setConfig from './set-config.js';
import getConfig from './get-config.js';
import listConfig from './list-config.js';
import createDatabase from './create-database.js';
import listApps from './list-apps.js';
import getApp from './get-app.js';
import createApp from './create-app.js';
import restartApp from './restart-app.js';
import updateApp from './update-app.js';
import readAppLogs from './read-app-logs.js';
import deleteApp from './delete-app.js';

export const TOOLS: readonly AnyTool[] = [
  listServices,
  describeService,
  listInstances,
  getInstance,
  createInstance,
  deleteInstance,
  restartInstance,
  readLogs,
  tokenBalance,
  listSecrets,
  setSecret,
  deleteSecret,
  getInstanceEndpoints,
  updateInstance,
  createConfigStore,
  setConfig,
  getConfig,
  listConfig,
  createDatabase,
  listApps,
  getApp,
  createApp,
  restartApp,
  updateApp,
  readAppLogs,
  deleteApp,
];

export function findTool(name: string): AnyTool | undefined {
  return TOOLS.find((t) => t.name === name);
}
