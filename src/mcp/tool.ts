/**
 * The tool shape, in the style of sentry-mcp's `defineTool` with github-mcp-server's
 * annotation rules : one file per tool, annotations
 * required by the type, an output schema and `structuredContent` on every success, and
 * failures returned as results worded by us (MCP 2025-11-25 tools "Tool Execution Errors").
 * Handlers see ports only (`ToolContext`): never Express, the store, a token or a URL.
 */
import { z } from 'zod';
import type { Logger } from '../log.js';
import { OscMcpError } from '../errors.js';
import type { OscPlatform } from '../osc/platform.js';
import type { Scope } from '../oauth/scopes.js';
import { sleep } from '../osc/retry.js';
import { MAX_OPTION_VALUE } from './options.js';
import { DEFAULT_LOG_BUDGET } from './sanitize-logs.js';

/** All four hints, always (sentry-mcp `tools/types.ts`: "required so every tool declares its safety posture"). */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  /** True for every OSC tool: it reaches a system outside this server. */
  openWorldHint: boolean;
}

export interface ProgressUpdate {
  progress: number;
  total?: number;
  message?: string;
}

/** How a tool waiting for an OSC build paces itself (src/defaults.ts `appBuildPollMs`, `appBuildWaitMaxMs`). */
export interface BuildWaitTiming {
  pollMs: number;
  maxMs: number;
}

/**
 * Time as a tool sees it when it waits (create_instance's health polls, an app's build):
 * the real clock in production; tests pass one that moves when a tool sleeps, so a wait of
 * seconds costs no wall time (test/support/fakes/osc-platform.ts `clock`).
 */
export interface ToolClock {
  now(): number;
  /** Resolves after `ms`, or rejects with a timeout error as soon as `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const REAL_CLOCK: ToolClock = Object.freeze({ now: () => Date.now(), sleep });

/**
 * Our secret page, for the grant this request acts for (src/secrets/entry.ts behind it):
 * the only way a secret value enters, typed by the person, never passing through the model.
 */
export interface SecretEntryPort {
  /** A single-use link to `/secrets/enter/<id>` for the grant's OSC user, and when it expires (epoch ms). */
  open(target: { serviceId: string; secretName: string }): Promise<{ url: string; expiresAt: number; ttlS: number }>;
  /**
   * A link to the page showing a database's connection details to the signed-in owner
   * (`/secrets/connection/<id>`): how to write the string and the NAME of the password's secret.
   */
  openConnectionView(view: {
    serviceId: string;
    name: string;
    secretName: string;
    template: { scheme: string; user: string; path: string; port?: number };
  }): Promise<{ url: string; expiresAt: number }>;
}

export interface ToolContext {
  osc: OscPlatform;
  log: Logger;
  clock: ToolClock;
  /** The tool's deadline and the client's disconnect (UPSTREAM-10, MCP-09). */
  signal: AbortSignal;
  /** Present when the client sent a progressToken (MCP 2025-11-25 utilities/progress). */
  progress?: (update: ProgressUpdate) => Promise<void>;
  /** Shown in every error result and logged with it, to join a user report to a log line. */
  correlationId: string;
  /**
   * Spends one of this grant's instance creates (INPUT-08: a per-user quota on costly
   * actions a model may choose). Absent when no quota is configured.
   */
  spendCreate?: () => Promise<{ allowed: boolean; retryAfterS: number }>;
  /** Pacing of a build wait; src/defaults.ts when absent. */
  buildWait?: BuildWaitTiming;
  /** Absent when the server was built without the secret page (then set_secret says so). */
  secretEntry?: SecretEntryPort;
  /** The client declared URL-mode elicitation on this request (MCP 2025-11-25 client/elicitation, "URL mode"). */
  urlElicitation?: boolean;
  /** A retried 2026-07-28 request's answers to what the tool asked (`openUrl`), by key; untrusted. */
  inputResponses?: Record<string, unknown>;
}

/** What a handler returns on success: structured data (matching `outputSchema`) and a short text. */
export interface ToolOutput<O> {
  structured: O;
  text: string;
  /**
   * Ask the client to open `url` for the user as a URL-mode elicitation before it retries the
   * call (MCP 2026-07-28 multi-round-trip requests). Only when the request declared the
   * capability (`ToolContext.urlElicitation`); `structured` and `text` then go unused.
   */
  openUrl?: { key: string; url: string; message: string };
}

export interface Tool<I extends z.ZodRawShape, O extends z.ZodRawShape> {
  /** snake_case, unique, stable. */
  name: string;
  title: string;
  /** When to use it, what it returns, what it costs. */
  description: string;
  /** The grant must hold this scope to see and call the tool (docs/architecture.md, "The MCP endpoint"). */
  scope: Scope;
  inputSchema: I;
  outputSchema: O;
  annotations: ToolAnnotations;
  /** Overall deadline (default 15 s, UPSTREAM-10). */
  deadlineMs?: number;
  /** Refuse unknown arguments instead of dropping them (JSON Schema `additionalProperties: false`). */
  strict?: boolean;
  handler(input: z.infer<z.ZodObject<I>>, ctx: ToolContext): Promise<ToolOutput<z.infer<z.ZodObject<O>>>>;
}

/** Identity, for inference (sentry-mcp `internal/tool-helpers/define.ts`). */
export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(tool: Tool<I, O>): Tool<I, O> {
  return tool;
}

/**
 * A registry entry of any schema. Handlers are contravariant in their input, so the
 * registry array is typed loosely; each tool file keeps its precise types.
 */
// biome-ignore lint/suspicious/noExplicitAny: the registry must hold tools of every input and output type (see above).
export type AnyTool = Tool<any, any>;

/** A refusal of the tool itself (bad arguments, missing confirmation): our words, shown as is. */
export class ToolInputError extends OscMcpError {
  readonly kind = 'tool_input' as const;
  override readonly name = 'ToolInputError';
}

/** Service ids are lowercase words joined by dashes (src/emulator/README.md, e.g. `minio-minio`); MCP-03. */
export const serviceIdArg = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'serviceId must be lowercase letters, digits and dashes, e.g. "minio-minio"')
  .describe('Service id from list_services, e.g. "minio-minio"');

/** Instance names: the SDK's rule (`/^[a-z0-9]+$/`, src/emulator/README.md) with a length bound (MCP-03, INPUT-04). */
export const instanceNameArg = z
  .string()
  .regex(/^[a-z0-9]{1,64}$/, 'name must be 1-64 lowercase letters or digits, no spaces or dashes')
  .describe('Instance name: lowercase letters and digits only, e.g. "mystore"');

/** The arguments that name one instance: its service and its name. */
export const instanceArgs = { serviceId: serviceIdArg, name: instanceNameArg };

/** Output shape of an instance after redaction (src/mcp/redact.ts). */
export const instanceShape = {
  serviceId: z.string(),
  name: z.string(),
  url: z.string().optional(),
  status: z.string().optional(),
  fields: z
    .record(z.string(), z.unknown())
    .describe('Options and resources as OSC returned them; credentials replaced by "[redacted]"'),
};

/** Quotes a value for our own sentences so a name cannot read as an instruction. */
export function q(value: string): string {
  return JSON.stringify(value);
}

/** OSC's secret-name rule (src/emulator/README.md, service secrets). A name, never a value. */
export const secretNameArg = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'secretName must be 1-64 letters, digits, "_" or "-"')
  .describe('Name of the service secret, e.g. "dbpassword"; used in options as "{{secrets.<name>}}"');

/** Parameter stores are instances: the instance-name rule (src/emulator/README.md, parameter stores). */
export const configStoreArg = z
  .string()
  .regex(/^[a-z0-9]{1,64}$/, 'store must be 1-64 lowercase letters or digits')
  .describe('Name of the config store (parameter store), e.g. "myapp"');

/** A parameter name in a config store: bounded, printable (the store refuses control characters). */
export const parameterArg = z
  .string()
  .regex(/^[A-Za-z0-9_.\-/]{1,128}$/, 'parameter names are 1-128 letters, digits, "_", ".", "-" or "/"')
  .describe('Parameter name, e.g. "LOG_LEVEL"');

/** Service options by name (checked against the catalog by ./options.ts before anything is sent). */
export const optionsArg = z
  .record(
    z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'option names are letters, digits, "_", "." or "-"'),
    z.union([z.string().max(MAX_OPTION_VALUE), z.number(), z.boolean()]),
  )
  .refine((o) => Object.keys(o).length <= 50, 'at most 50 options');

/** How many of the newest log lines a log tool returns (read_logs, read_app_logs; MCP-07). */
export const logLinesArg = z
  .number()
  .int()
  .min(1)
  .max(DEFAULT_LOG_BUDGET.maxLines)
  .optional()
  .describe('How many of the newest lines (default 200, at most 500)');

/** A bounded wait in whole seconds, 5 to `maxS` (create_instance, create_database). */
export function waitSecondsArg(maxS: number, description: string) {
  return z.number().int().min(5).max(maxS).optional().describe(description);
}
