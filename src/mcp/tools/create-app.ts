/**
 * create_app: a new app built by OSC from a Git repository. Returns at once with the id and
 * build status (builds take minutes); an optional bounded wait reports progress (MCP
 * 2025-11-25 utilities/progress). A private repository's token is never an argument: the
 * call names a stored secret, sent to OSC as a reference (src/osc/apps.ts). Never retried.
 */
import { z } from 'zod';
import { defineTool, q, ToolInputError } from '../tool.js';
import {
  appCall,
  appNameArg,
  appReport,
  appShape,
  appTypeArg,
  buildWaitMs,
  failureShape,
  gitCredentialArg,
  MAX_BUILD_WAIT_S,
  sourceRefArg,
  storeArg,
  subPathArg,
  waitArg,
  waitForBuild,
} from './app-common.js';
import { WRITES } from './annotations.js';

/** Longest repository address taken (a Git hosting URL is far shorter). */
const MAX_GIT_URL = 500;

/**
 * Why `v` is not a Git address we send to OSC, or undefined (INPUT-04, APPS-12): https only,
 * printable ASCII without spaces (the URL parser would silently drop a line break that OSC
 * then receives), a host, no `#ref` (the ref is its own argument), no query, and never a
 * credential: a token in the URL would pass through the chat, the model and OSC's records,
 * so it is refused with the way to do it instead.
 */
export function gitUrlProblem(v: string): string | undefined {
  const example = 'e.g. "https://github.com/me/site"';
  if (v.length > MAX_GIT_URL) return `repository is longer than ${MAX_GIT_URL} characters`;
  if (!/^[\x21-\x7e]+$/.test(v))
    return `repository must be a plain https address without spaces or special characters, ${example}`;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return `repository must be an https Git address, ${example}`;
  }
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(v)?.[1] ?? '';
  if (u.username || u.password || authority.includes('@'))
    return (
      'repository must not contain a user name, token or password. Nothing was created. ' +
      'For a private repository, save the Git access token as a secret of eyevinn-web-runner on the secret page, ' +
      'then pass the plain address as repository and the secret NAME as gitCredential'
    );
  if (u.protocol !== 'https:') return `repository must use https, ${example}`;
  if (!u.hostname) return `repository must name a host, ${example}`;
  if (v.includes('#')) return 'repository must not contain "#": put a branch or tag in ref';
  if (u.search || v.includes('?')) return `repository must not have a query ("?"), ${example}`;
  return undefined;
}

const gitRepoArg = z
  .string()
  .max(MAX_GIT_URL)
  .superRefine((v, ctx) => {
    const problem = gitUrlProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe(
    'The Git repository, https, e.g. "https://github.com/me/site"; never with a token in it (use gitCredential)',
  );

export default defineTool({
  name: 'create_app',
  title: 'Create an app from Git',
  description:
    'Builds and runs your own code from a Git repository as an app in your workspace (My Apps); it COSTS OSC tokens while it runs. ' +
    'Returns at once with the app id and build status: builds take minutes, so check get_app later, or set wait (seconds, at most 120). ' +
    'For a private repository, first save a Git access token as a secret on the secret page, then pass its name as gitCredential. ' +
    'Not retried automatically: if the outcome is unknown, check list_apps before calling again.',
  scope: 'osc:write',
  inputSchema: {
    name: appNameArg,
    type: appTypeArg,
    repository: gitRepoArg,
    ref: sourceRefArg.optional().describe("Branch or tag to build (default: the repository's default branch)"),
    subPath: subPathArg.optional(),
    configStore: storeArg.optional().describe('Config store whose values the app gets as environment variables'),
    gitCredential: gitCredentialArg.optional(),
    wait: waitArg,
  },
  outputSchema: { app: z.object(appShape), waited: z.boolean(), ...failureShape },
  annotations: WRITES,
  deadlineMs: 15_000 + MAX_BUILD_WAIT_S * 1000 + 10_000,
  async handler({ name, type, repository, ref, subPath, configStore, gitCredential, wait = 0 }, ctx) {
    const quota = await ctx.spendCreate?.();
    if (quota && !quota.allowed) {
      const minutes = Math.max(1, Math.ceil(quota.retryAfterS / 60));
      throw new ToolInputError(
        `Nothing was created: this connection has reached its quota of creates for now. Try again in about ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      );
    }
    await ctx
      .progress?.({ progress: 0, total: Math.max(buildWaitMs(ctx, wait), 1), message: 'creating the app' })
      .catch(() => undefined);
    const created = await appCall({ name, store: configStore }, () =>
      ctx.osc.createApp(
        { name, type, gitUrl: repository, sourceRef: ref, subPath, configService: configStore, gitCredential },
        ctx.signal,
      ),
    );
    const { app: raw, waited } = await waitForBuild(ctx, created, wait, 'create_app');
    const { app, buildOutput, line, build } = await appReport(ctx, raw, waited);
    return {
      structured: { app, waited, buildOutput },
      text: `Created app ${line}. ${build}\nIt spends OSC tokens while it runs; delete_app removes it.${
        gitCredential ? ` The Git token is read by OSC from the secret ${q(gitCredential)}; it is not shown here.` : ''
      }`,
    };
  },
});
