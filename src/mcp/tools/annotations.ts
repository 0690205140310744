/**
 * The four safety postures our tools take, named once (src/mcp/tool.ts `ToolAnnotations`:
 * every tool declares all four hints). `openWorldHint` is true throughout: every tool reaches OSC.
 */
import type { ToolAnnotations } from '../tool.js';

const reachesOsc = (hints: Omit<ToolAnnotations, 'openWorldHint'>): ToolAnnotations => ({
  ...hints,
  openWorldHint: true,
});

/** Reads only: lists, descriptions, logs, balances. */
export const READ_ONLY = reachesOsc({ readOnlyHint: true, destructiveHint: false, idempotentHint: true });

/** Creates or acts each time it is called (a second call makes a second thing, or restarts again). */
export const WRITES = reachesOsc({ readOnlyHint: false, destructiveHint: false, idempotentHint: false });

/** Sets a value: calling again with the same arguments changes nothing more. */
export const SETS = reachesOsc({ readOnlyHint: false, destructiveHint: false, idempotentHint: true });

/** Deletes permanently; refused without `confirm: true` (./confirm.ts). */
export const DELETES = reachesOsc({ readOnlyHint: false, destructiveHint: true, idempotentHint: true });
