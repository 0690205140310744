/**
 * What the My Apps tools share: argument rules, the app's output shape and summary line, our
 * words for OSC's refusals about apps, the bounded build wait, and the build output that
 * explains a failure. App fields are OSC's text: they are cleaned and bounded before a model
 * reads them, and the build output is quoted like read_logs (../sanitize-logs.ts, MCP-07).
 */
import { z } from 'zod';
import { kindOf, type UpstreamError } from '../../errors.js';
import { DEFAULTS } from '../../defaults.js';
import { APP_RUNNER_SERVICE, APP_TYPES, type App } from '../../osc/apps.js';
import { cleanLogs, frameLogs, stripControls } from '../sanitize-logs.js';
import { q, ToolInputError, type ToolContext } from '../tool.js';

/**
 * The longest wait a model may ask of create_app and restart_app; builds often take longer.
 * The server's `appBuildWaitMaxMs` (src/defaults.ts) caps it further at run time.
 */
export const MAX_BUILD_WAIT_S = DEFAULTS.appBuildWaitMaxMs / 1000;
/** Lines of build output shown with a failed build (read_app_logs shows more). */
const FAILURE_LINES = 30;

/** App names as OSC takes them (src/emulator/README.md "My Apps"; INPUT-04). */
export const appNameArg = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,39}$/,
    'name must be 1-40 lowercase letters, digits or dashes, starting with a letter or digit',
  )
  .describe('App name: lowercase letters, digits and dashes, e.g. "my-site"');

export const appIdArg = z
  .string()
  .regex(/^[a-z0-9]{1,64}$/, 'appId is the id from list_apps or create_app: lowercase letters and digits')
  .describe('App id from list_apps or create_app (the name without dashes)');

export const appTypeArg = z.enum(APP_TYPES).describe('Runtime: nodejs, python, wasm, golang or dotnet');

export const sourceRefArg = z
  .string()
  .regex(
    /^[A-Za-z0-9._/][A-Za-z0-9._/-]{0,199}$/,
    'ref is a branch or tag name: letters, digits, ".", "_", "/" or "-", not starting with "-"',
  )
  .refine((r) => !r.includes('..'), 'ref must not contain ".."');

export const subPathArg = z
  .string()
  .regex(/^[A-Za-z0-9._/-]{1,256}$/, 'subPath is a folder inside the repository')
  .refine((p) => !p.split('/').includes('..'), 'subPath must not contain ".."')
  .describe('Folder of the app inside the repository, e.g. "apps/web"');

/** A config store's name (src/emulator/README.md "Parameter stores"). */
export const storeArg = z.string().regex(/^[a-z0-9]{1,64}$/, 'a config store name is lowercase letters and digits');

/** The NAME of a stored secret, never its value (issue 20: a token is never an argument). */
export const gitCredentialArg = z
  .string()
  .regex(
    /^[A-Za-z0-9_-]{1,64}$/,
    'gitCredential is the NAME of a stored secret (letters, digits, "_", "-"), never the token itself',
  )
  .describe(
    `Name of a secret of ${APP_RUNNER_SERVICE} holding a Git access token for a private repository, saved beforehand on the secret page. Never the token itself`,
  );

export const waitArg = z
  .number()
  .int()
  .min(0)
  .max(MAX_BUILD_WAIT_S)
  .optional()
  .describe(
    `Seconds to wait for the build to finish, 0-${MAX_BUILD_WAIT_S} (default 0: return at once; get_app shows the status later)`,
  );

export const appShape = {
  id: z.string(),
  name: z.string(),
  type: z.string(),
  gitUrl: z.string(),
  sourceRef: z.string().optional(),
  subPath: z.string().optional(),
  configService: z.string().optional().describe('Config store the app reads its settings from'),
  url: z.string().optional(),
  appDns: z.string().optional(),
  buildStatus: z.enum(['building', 'running', 'failed', 'unknown']),
};

export const failureShape = {
  buildOutput: z
    .array(z.string())
    .optional()
    .describe('When the build failed: the last lines of its output, untrusted, oldest first'),
};

/** OSC's fields cleaned and bounded: they are upstream text. */
export function cleanApp(a: App): App {
  const c = (v: string | undefined, n = 300) => (v === undefined ? undefined : stripControls(v).slice(0, n));
  return {
    id: c(a.id, 64) ?? '',
    name: c(a.name, 64) ?? '',
    type: c(a.type, 20) ?? '',
    gitUrl: c(a.gitUrl, 2048) ?? '',
    sourceRef: c(a.sourceRef),
    subPath: c(a.subPath),
    configService: c(a.configService, 64),
    url: c(a.url, 2048),
    appDns: c(a.appDns, 255),
    buildStatus: a.buildStatus,
  };
}

/** One line about an app, for text results: every upstream string quoted (../upstream-data.ts; APPS-11). */
export function appLine(a: App): string {
  const src = `${q(a.gitUrl)}${a.sourceRef ? ` at ref ${q(a.sourceRef)}` : ''}${a.subPath ? `, folder ${q(a.subPath)}` : ''}`;
  return `${q(a.name)} (id ${q(a.id)}, ${q(a.type)}) [${a.buildStatus}]${a.url ? ` at ${q(a.url)}` : ''} from ${src}${
    a.configService ? `, config store ${q(a.configService)}` : ''
  }`;
}

/**
 * OSC's refusals about apps in our words (../failure.ts words them for instances); anything
 * else goes on to the shared mapping.
 */
export async function appCall<T>(
  what: { id?: string; name?: string; store?: string },
  op: () => Promise<T>,
): Promise<T> {
  try {
    return await op();
  } catch (err) {
    const kind = kindOf(err);
    const app = what.id ?? what.name;
    if (kind === 'upstream_not_found') {
      if (what.store)
        throw new ToolInputError(
          `OSC found no app ${q(app ?? '')} or no config store ${q(what.store)} in your workspace. list_apps shows the apps.`,
        );
      throw new ToolInputError(
        `OSC has no app ${q(app ?? '')} in your workspace (a rebuild may hide it for a moment). list_apps shows the apps that exist.`,
      );
    }
    if (kind === 'upstream_conflict') {
      throw new ToolInputError(
        `The app name ${q(app ?? '')} is taken: an app of that name exists, or was deleted less than a minute ago. Choose another name, or use get_app.`,
      );
    }
    if (kind === 'upstream_client' && (err as UpstreamError).status === 400) {
      throw new ToolInputError(
        'OSC rejected the app settings as invalid (HTTP 400). Check the Git URL, type, ref and sub-path.',
      );
    }
    throw err;
  }
}

export interface BuildWait {
  app: App;
  waited: boolean;
}

/** How long a wait of `seconds` lasts on this server (src/defaults.ts `appBuildWaitMaxMs` caps it). */
export function buildWaitMs(ctx: ToolContext, seconds: number): number {
  return Math.max(0, Math.min(seconds * 1000, ctx.buildWait?.maxMs ?? DEFAULTS.appBuildWaitMaxMs));
}

/**
 * Looks at the app every `appBuildPollMs` (src/defaults.ts) for at most `seconds` (capped by
 * `appBuildWaitMaxMs`), reporting progress in milliseconds waited, until its build is no
 * longer `building`. A failed poll ends the wait, not the tool: the app exists. During a
 * rebuild OSC may briefly not find it (src/emulator/README.md), which counts as building.
 */
export async function waitForBuild(ctx: ToolContext, first: App, seconds: number, tool: string): Promise<BuildWait> {
  let app = first;
  const limitMs = buildWaitMs(ctx, seconds);
  if (limitMs <= 0) return { app, waited: false };
  const pollMs = ctx.buildWait?.pollMs ?? DEFAULTS.appBuildPollMs;
  const started = ctx.clock.now();
  // Progress must increase with every notification (MCP 2025-11-25 utilities/progress); the
  // tool's own first notification was 0.
  let last = 0;
  for (;;) {
    const elapsed = ctx.clock.now() - started;
    if (elapsed >= limitMs) break;
    last = Math.max(last + 1, elapsed);
    await ctx
      .progress?.({ progress: last, total: limitMs, message: `build status: ${app.buildStatus}` })
      .catch(() => undefined);
    try {
      await ctx.clock.sleep(Math.min(pollMs, limitMs - elapsed), ctx.signal);
      app = await ctx.osc.getApp(first.id, ctx.signal);
    } catch (err) {
      if (kindOf(err) === 'upstream_not_found') continue;
      ctx.log.info({ err: (err as Error).name }, `${tool} wait stopped early`);
      break;
    }
    if (app.buildStatus !== 'building') break;
  }
  return { app, waited: true };
}

/** The end of the build output, cleaned, when the build failed; never fails the tool. */
async function failureOutput(ctx: ToolContext, app: App): Promise<string[] | undefined> {
  if (app.buildStatus !== 'failed') return undefined;
  try {
    const raw = await ctx.osc.readAppLogs(app.id, ctx.signal);
    return cleanLogs(raw.text, { maxLines: FAILURE_LINES, maxBytes: 8 * 1024 }, raw.truncated).lines;
  } catch (err) {
    ctx.log.info({ err: (err as Error).name }, 'build output unavailable');
    return undefined;
  }
}

/** The sentence about the build state, with a failed build's output quoted after it. */
function buildText(app: App, waited: boolean, output: string[] | undefined): string {
  if (app.buildStatus === 'running') return 'The build finished: the app is running.';
  if (app.buildStatus === 'failed') {
    if (!output) return 'The build FAILED; read_app_logs shows its output.';
    return frameLogs('The build FAILED. The end of its output', { lines: output, truncated: true, droppedLines: 0 });
  }
  return waited
    ? `The build is still ${app.buildStatus} after the wait; builds often take minutes. get_app shows the status later.`
    : `The build is ${app.buildStatus}; builds often take minutes. get_app shows the status later.`;
}

/** An app as a tool reports it after a call: cleaned, its one line and the sentence about its build. */
export interface AppReport {
  app: App;
  /** A failed build's last lines (`failureShape`). */
  buildOutput: string[] | undefined;
  line: string;
  build: string;
}

/** What get_app, create_app and restart_app answer about `raw`; `waited` says whether a build wait ran. */
export async function appReport(ctx: ToolContext, raw: App, waited: boolean): Promise<AppReport> {
  const app = cleanApp(raw);
  const buildOutput = await failureOutput(ctx, app);
  return { app, buildOutput, line: appLine(app), build: buildText(app, waited, buildOutput) };
}
