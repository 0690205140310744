/**
 * `npm run emulator`: the OSC emulator alone (docs/architecture.md, "Interface contract"). Reads its knobs from
 * the environment (parsed with zod; a bad value names the variable, never echoes it),
 * prints `OSC emulator: http://127.0.0.1:<port>`, and exits cleanly on SIGTERM/SIGINT.
 */
import { z } from 'zod';
import { DEMO_USERS } from './users.js';

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));

const envSchema = z.object({
  EMULATOR_PORT: int(0, 65535).default(8081),
  EMULATOR_ACCESS_TOKEN_TTL_S: int(1).optional(),
  EMULATOR_REFRESH_TOKEN_TTL_S: int(1).optional(),
  EMULATOR_DCR_CLIENT_TTL_S: int(1).optional(),
  EMULATOR_SAT_TTL_S: int(1).optional(),
  EMULATOR_INSTANCE_START_MS: int(0).optional(),
  EMULATOR_AUTO_CONSENT: z
    .string()
    .refine((v) => DEMO_USERS.some((u) => u.id === v), `must be one of: ${DEMO_USERS.map((u) => u.id).join(', ')}`)
    .optional(),
});

function readEnv(): z.infer<typeof envSchema> {
  const raw = Object.fromEntries(
    Object.keys(envSchema.shape).flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])),
  );
  const parsed = envSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    process.stderr.write(`Invalid ${String(issue.path[0])}: ${issue.message}\n`);
  }
  process.exit(2);
}

const env = readEnv();
// The emulator's modules load only once the variables are known good (as src/main.ts does):
// a bad one stops the process in the time it takes to parse them.
const { startEmulator } = await import('./server.js');
const emulator = await startEmulator({
  port: env.EMULATOR_PORT,
  ...(env.EMULATOR_ACCESS_TOKEN_TTL_S !== undefined ? { accessTokenTtlS: env.EMULATOR_ACCESS_TOKEN_TTL_S } : {}),
  ...(env.EMULATOR_REFRESH_TOKEN_TTL_S !== undefined ? { refreshTokenTtlS: env.EMULATOR_REFRESH_TOKEN_TTL_S } : {}),
  ...(env.EMULATOR_DCR_CLIENT_TTL_S !== undefined ? { dcrClientTtlS: env.EMULATOR_DCR_CLIENT_TTL_S } : {}),
  ...(env.EMULATOR_SAT_TTL_S !== undefined ? { satTtlS: env.EMULATOR_SAT_TTL_S } : {}),
  ...(env.EMULATOR_INSTANCE_START_MS !== undefined ? { instanceStartMs: env.EMULATOR_INSTANCE_START_MS } : {}),
  ...(env.EMULATOR_AUTO_CONSENT !== undefined ? { autoConsent: env.EMULATOR_AUTO_CONSENT } : {}),
});
process.stdout.write(`OSC emulator: ${emulator.url}\n`);

let closing = false;
const stop = (): void => {
  if (closing) return;
  closing = true;
  emulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
