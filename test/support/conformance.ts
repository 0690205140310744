/** Shared by the conformance runs: the runner's package and the shape of one check in its checks.json. */
export const CONFORMANCE = '@modelcontextprotocol/conformance@0.2.0-alpha.12';

export interface Check {
  id: string;
  status: string;
  errorMessage?: string;
  details?: Record<string, unknown>;
}
