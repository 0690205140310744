/**
 * create_database: a database of the catalog (src/emulator/README.md, "Databases") with a
 * password no model sees. The password is generated here (crypto.randomBytes), stored as a
 * service secret through the port, and the instance is created with `{{secrets.<name>}}`, which
 * OSC resolves at start. The value is held in one local variable for one call: never in a result,
 * a log line or our store. Then a bounded wait with progress (./wait-ready.ts) and a connection
 * string whose password is the reference. Steady state: catalog, secret, create, health polls, endpoints.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { defineTool, instanceNameArg, q, secretNameArg, ToolInputError, waitSecondsArg } from '../tool.js';
import { ServiceNotSubscribedError } from '../../errors.js';
import { waitUntilReady } from './wait-ready.js';
import { WRITES } from './annotations.js';

/** The catalog's databases: the option that takes the password, the login, and how a client connects. */
const DATABASES = {
  'birme-osc-postgresql': {
    password: 'PostgresPassword',
    user: 'postgres',
    scheme: 'postgresql',
    port: 5432,
    path: '/postgres',
  },
  'linuxserver-docker-mariadb': { password: 'RootPassword', user: 'root', scheme: 'mysql', port: 3306, path: '/' },
  'valkey-io-valkey': { password: 'Password', user: '', scheme: 'redis', port: 6379, path: '' },
  'apache-couchdb': { password: 'AdminPassword', user: 'admin', scheme: 'https', port: 5984, path: '/' },
} as const;
type DatabaseId = keyof typeof DATABASES;

const MAX_WAIT_S = 120;

export default defineTool({
  name: 'create_database',
  title: 'Create a database',
  description:
    'Creates a database instance (PostgreSQL, MariaDB, Valkey/Redis or CouchDB) with a strong generated password that no one in this chat sees: ' +
    'it is stored as a service secret and the result gives a connection string with "{{secrets.<name>}}" in place of the password. ' +
    'To use a password the user typed instead, call set_secret first and pass its name as passwordSecret. ' +
    'The result links a page where the user sees the connection details. Waits (bounded) until the database runs. It COSTS OSC tokens every day it runs (describe_service shows the price). Not retried automatically.',
  scope: 'osc:write',
  inputSchema: {
    serviceId: z.enum(Object.keys(DATABASES) as [DatabaseId, ...DatabaseId[]]).describe('Which database service'),
    name: instanceNameArg,
    waitSeconds: waitSecondsArg(
      MAX_WAIT_S,
      `How long to wait until it runs, 5-${MAX_WAIT_S} s (default ${MAX_WAIT_S})`,
    ),
    passwordSecret: secretNameArg
      .optional()
      .describe(
        'Name of an existing secret of this service (typed by the user through set_secret) to use as the password instead of a generated one',
      ),
  },
  outputSchema: {
    serviceId: z.string(),
    name: z.string(),
    secretName: z.string().describe('The service secret that holds the password'),
    connectionString: z.string().describe('The password appears as "{{secrets.<name>}}", never as its value'),
    host: z.string().optional(),
    port: z.number().int().optional(),
    ready: z.boolean(),
    health: z.string().optional(),
    detailsUrl: z
      .string()
      .optional()
      .describe('A page where the user, signed in to OSC, sees the connection details read live from OSC'),
  },
  annotations: WRITES,
  deadlineMs: 30_000 + MAX_WAIT_S * 1000,
  async handler({ serviceId, name, waitSeconds = MAX_WAIT_S, passwordSecret }, ctx) {
    const db = DATABASES[serviceId];
    await ctx.osc.describeService(serviceId, ctx.signal).catch(async (err: unknown) => {
      if (!(err instanceof ServiceNotSubscribedError)) throw err;
      await ctx.osc.subscribe(serviceId, ctx.signal);
    });
    const quota = await ctx.spendCreate?.();
    if (quota && !quota.allowed) {
      throw new ToolInputError(
        `Nothing was created: this connection has reached its quota of instance creates for now. Try again in about ${Math.max(1, Math.ceil(quota.retryAfterS / 60))} minute(s).`,
      );
    }
    const secretName = passwordSecret ?? `${name}-password`;
    const ref = `{{secrets.${secretName}}}`;
    if (passwordSecret) {
      // The user's own secret: it must exist before the database starts with it (a missing one fails the start).
      if (!(await ctx.osc.listSecrets(serviceId, ctx.signal)).includes(passwordSecret))
        throw new ToolInputError(
          `Nothing was created: ${q(serviceId)} has no secret ${q(passwordSecret)}. Call set_secret for it, let the user type the password on the page, then call create_database again.`,
        );
    } else {
      await ctx
        .progress?.({ progress: 0, total: waitSeconds, message: 'storing the generated password as a service secret' })
        .catch(() => undefined);
      // 24 random bytes, base64url: 192 bits, and no character that needs quoting in a URL or a shell.
      await ctx.osc.saveSecret(serviceId, secretName, randomBytes(24).toString('base64url'), ctx.signal);
    }
    await ctx.progress?.({ progress: 0, total: waitSeconds, message: 'creating the database' }).catch(() => undefined);
    await ctx.osc.createInstance(serviceId, name, { [db.password]: ref }, ctx.signal);
    const { ready, health } = await waitUntilReady(ctx, serviceId, name, waitSeconds);
    const e = await ctx.osc.instanceEndpoints(serviceId, name, ctx.signal).catch(() => undefined);
    const outside = e?.external[0];
    const host = db.scheme === 'https' ? (e?.url ? new URL(e.url).host : undefined) : (outside?.ip ?? e?.internalDns);
    const port = db.scheme === 'https' ? undefined : (outside?.port ?? e?.internalPorts[0]?.port ?? db.port);
    const login = db.user ? `${db.user}:${ref}` : `:${ref}`;
    const connectionString = `${db.scheme}://${login}@${host ?? '<host>'}${port ? `:${port}` : ''}${db.path}`;
    const state = ready
      ? 'It is running.'
      : `It is not running yet (${health ?? 'unknown'}); get_instance shows its status later.`;
    // A page where the person sees the details live (src/secrets/router.ts); its absence loses nothing else.
    const details = await ctx.secretEntry
      ?.openConnectionView({
        serviceId,
        name,
        secretName,
        template: {
          scheme: db.scheme,
          user: db.user,
          path: db.path,
          ...(db.scheme === 'https' ? {} : { port: db.port }),
        },
      })
      .catch(() => undefined);
    const password = passwordSecret
      ? `Its password is the user's own secret ${q(secretName)}, which no one in this chat has seen.`
      : `Its password was generated and stored as service secret ${q(secretName)}; no one in this chat has seen it.`;
    return {
      structured: {
        serviceId,
        name,
        secretName,
        connectionString,
        host,
        port,
        ready,
        health,
        ...(details ? { detailsUrl: details.url } : {}),
      },
      text:
        `Created database ${q(name)} of ${q(serviceId)}. ${state} ${password} ` +
        `Connection string: ${connectionString} — give it to apps as is where they take OSC options, or have the app read the secret. It spends OSC tokens daily until deleted.` +
        (details ? `\nThe user can see the connection details, signed in to OSC, at ${details.url}` : ''),
    };
  },
});
