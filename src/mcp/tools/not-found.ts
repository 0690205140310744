/**
 * Our sentence for "not there" where the generic one (../failure.ts speaks of instances and
 * services) would mislead: a secret or a config parameter. A config store that is not running
 * yet answers 503 (src/emulator/README.md, parameter stores): that is "wait", not "unknown outcome".
 */
import { UpstreamNotFoundError, UpstreamServerError } from '../../errors.js';
import { ToolInputError } from '../tool.js';

/** Rethrows `err`, as our own refusal when it means "missing" (or "not running yet" with `starting`). */
export function rethrowMissing(err: unknown, missing: string, starting?: string): never {
  if (err instanceof UpstreamNotFoundError) throw new ToolInputError(missing);
  if (starting && err instanceof UpstreamServerError && err.status === 503) throw new ToolInputError(starting);
  throw err;
}

export const storeStarting = (store: string) =>
  `Config store ${JSON.stringify(store)} is not running yet (it takes up to a minute after create_config_store). Nothing was changed; try again shortly.`;
