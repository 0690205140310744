/** Knob bodies are JSON checked with zod; a body that does not fit gets 400 `{error, issues}`. */
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { parseBody } from '../body.js';

/** Parses the JSON body with a schema; answers 400 itself when it does not fit. */
export function input<T>(schema: z.ZodType<T>, req: Request, res: Response): T | undefined {
  const r = schema.safeParse(parseBody(req));
  if (r.success) return r.data;
  res
    .status(400)
    .json({ error: 'invalid_body', issues: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
  return undefined;
}
