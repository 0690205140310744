/**
 * The My Apps part of the OSC platform port (./platform.ts extends it): apps built from a Git
 * repository and run by OSC (src/emulator/README.md, "My Apps" on the deploy host). Kept in
 * its own interface so the tools see apps as one more part of the same port.
 *
 * A private repository's token never passes through here in clear: the port takes the NAME of
 * a secret of the app runner service and sends OSC the reference `{{secrets.<name>}}`
 * (src/emulator/README.md, "Service secrets"); OSC resolves it when it builds.
 */
import type { InstanceLogs } from './platform.js';

/** Runtimes OSC builds (src/emulator/README.md, `POST /myapps` `type`). */
export const APP_TYPES = ['nodejs', 'python', 'wasm', 'golang', 'dotnet'] as const;
export type AppType = (typeof APP_TYPES)[number];

export type BuildStatus = 'building' | 'running' | 'failed' | 'unknown';

/** The service whose instances run the apps and whose secrets hold Git credentials. */
export const APP_RUNNER_SERVICE = 'eyevinn-web-runner';

/** An app document as OSC returned it, reduced to what tools use; it carries no credential. */
export interface App {
  id: string;
  name: string;
  type: string;
  /** The repository, without a `#ref` suffix. */
  gitUrl: string;
  sourceRef?: string;
  subPath?: string;
  /** The config store the app reads its environment from. */
  configService?: string;
  url?: string;
  /** The app's own managed host name. */
  appDns?: string;
  buildStatus: BuildStatus;
}

export interface NewApp {
  name: string;
  type: AppType;
  gitUrl: string;
  sourceRef?: string;
  subPath?: string;
  configService?: string;
  /** Name of a secret of the app runner service that holds the Git token. */
  gitCredential?: string;
}

export interface AppsPort {
  listApps(signal: AbortSignal): Promise<App[]>;
  getApp(id: string, signal: AbortSignal): Promise<App>;
  /** Starts the first build; never retried (a failure after the request left may have created it). */
  createApp(app: NewApp, signal: AbortSignal): Promise<App>;
  /** Restarts the app; `rebuild` pulls the source and builds a fresh image. */
  restartApp(id: string, rebuild: boolean, signal: AbortSignal): Promise<App>;
  /** Each setter rebuilds the app with the change; `null` clears the setting. */
  setAppSourceRef(id: string, sourceRef: string | null, signal: AbortSignal): Promise<App>;
  setAppConfigStore(id: string, store: string | null, signal: AbortSignal): Promise<App>;
  setAppGitCredential(id: string, secretName: string | null, signal: AbortSignal): Promise<App>;
  deleteApp(id: string, signal: AbortSignal): Promise<void>;
  /** Build and runtime output, raw (the tool sanitises and caps it). */
  readAppLogs(id: string, signal: AbortSignal): Promise<InstanceLogs>;
}

/** The reference OSC resolves to the secret's value at build time. */
export function secretRef(name: string): string {
  return `{{secrets.${name}}}`;
}
