/**
 * Fault injection (`POST /__emulator/faults`). A fault is armed on a route id (see
 * README.md for the list; a trailing `*` matches a prefix, e.g. `instances.*`) and fires on
 * the next `times` matching requests (`times: "always"` never runs out; `probability` makes
 * it fire at random, LOAD-07). What it does, in order (route.ts applies it):
 *   reset → destroy the socket (connection reset);
 *   delayMs → wait (before the real operation, or after it with `commit`);
 *   commit → run the real operation first (a refresh that rotates, a create that creates);
 *   hang → never answer (until the client closes the socket);
 *   status/body/contentType/headers → answer with this instead of the real response.
 */
import { z } from 'zod';

export const faultSchema = z.object({
  route: z.string().min(1).max(100),
  times: z.union([z.number().int().positive(), z.literal('always')]).default(1),
  probability: z.number().min(0).max(1).optional(),
  status: z.number().int().min(100).max(599).optional(),
  body: z.unknown().optional(),
  bodyRepeat: z.number().int().positive().max(100_000_000).optional(),
  contentType: z.string().max(200).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  hang: z.boolean().optional(),
  reset: z.boolean().optional(),
  delayMs: z.number().int().min(0).max(600_000).optional(),
  commit: z.boolean().optional(),
});

export type Fault = z.infer<typeof faultSchema>;

interface Armed {
  fault: Fault;
  remaining: number | 'always';
}

export class FaultRegistry {
  private armed: Armed[] = [];

  add(fault: Fault): void {
    this.armed.push({ fault, remaining: fault.times });
  }

  clear(): void {
    this.armed = [];
  }

  list(): Array<Fault & { remaining: number | 'always' }> {
    return this.armed.map((a) => ({ ...a.fault, remaining: a.remaining }));
  }

  /** The first armed fault for this route id, consumed once; undefined when none fires. */
  take(routeId: string): Fault | undefined {
    for (const a of this.armed) {
      if (!matches(a.fault.route, routeId)) continue;
      if (a.fault.probability !== undefined && Math.random() >= a.fault.probability) continue;
      if (a.remaining !== 'always') {
        a.remaining -= 1;
        if (a.remaining <= 0) this.armed = this.armed.filter((x) => x !== a);
      }
      return a.fault;
    }
    return undefined;
  }
}

function matches(pattern: string, routeId: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return routeId.startsWith(pattern.slice(0, -1));
  return pattern === routeId;
}
