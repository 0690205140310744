/**
 * Reads the root Dockerfile the way a builder does (Dockerfile reference: parser directives,
 * line continuations, ARG before FROM, one stage per FROM), so tests can run its steps on this
 * machine (no container engine here) and check it against the configuration schema.
 */
import { readFileSync } from 'node:fs';

export interface Step {
  op: 'COPY' | 'RUN' | 'WORKDIR' | 'ENV' | 'USER' | 'EXPOSE' | 'HEALTHCHECK' | 'CMD' | 'STOPSIGNAL' | 'LABEL' | 'ARG';
  /** Flags such as --from=build or --mount=type=cache,... */
  flags: Record<string, string>;
  args: string;
}

export interface Stage {
  name: string;
  image: string;
  steps: Step[];
  /** ENV in effect at the end of the stage. */
  env: Record<string, string>;
  workdir: string;
  user?: string;
  expose: number[];
  cmd?: string[];
  healthcheck?: { flags: Record<string, string>; cmd: string[] };
  stopSignal?: string;
}

/** `--a=b --c=d rest` → flags and the rest. */
function takeFlags(text: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  let rest = text.trimStart();
  for (let m = /^--([a-z-]+)(?:=(\S*))?\s+/.exec(rest); m; m = /^--([a-z-]+)(?:=(\S*))?\s+/.exec(rest)) {
    flags[m[1]!] = m[2] ?? '';
    rest = rest.slice(m[0].length);
  }
  return { flags, rest };
}

/** ENV a=b c="d e" (the legacy `ENV a b` form too). */
function parseEnv(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!args.includes('=')) {
    const [k, ...v] = args.split(/\s+/);
    out[k!] = v.join(' ');
    return out;
  }
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    out[m[1]!] = m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : m[2]!;
  }
  return out;
}

function execForm(args: string, what: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string'))
    throw new Error(`${what} must use the exec (JSON array) form`);
  return parsed;
}

export function parseDockerfile(path: string): { args: Record<string, string>; stages: Stage[] } {
  const lines = readFileSync(path, 'utf8').split('\n');
  const logical: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (current !== '' && line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const l of logical) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(l) ?? [];
    const op = keyword.toUpperCase();
    if (op === 'FROM') {
      const [image = '', , name] = rest.replace(/\$\{(\w+)\}/g, (_m, k: string) => args[k] ?? '').split(/\s+/);
      const base = stages.find((s) => s.name === image);
      stages.push({
        name: name ?? String(stages.length),
        image,
        steps: [],
        env: { ...(base?.env ?? {}) },
        workdir: base?.workdir ?? '/',
        expose: [],
        user: base?.user,
      });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) {
      if (op !== 'ARG') throw new Error(`${op} before FROM`);
      const [k, v = ''] = rest.split('=');
      args[k!] = v;
      continue;
    }
    const { flags, rest: body } = takeFlags(rest);
    stage.steps.push({ op: op as Step['op'], flags, args: body });
    if (op === 'ENV') Object.assign(stage.env, parseEnv(body));
    if (op === 'WORKDIR') stage.workdir = body;
    if (op === 'USER') stage.user = body;
    if (op === 'EXPOSE') stage.expose.push(...body.split(/\s+/).map((p) => Number(p.split('/')[0])));
    if (op === 'CMD') stage.cmd = execForm(body, 'CMD');
    if (op === 'STOPSIGNAL') stage.stopSignal = body;
    if (op === 'HEALTHCHECK') {
      const m = /^CMD\s+(.*)$/.exec(body);
      if (!m?.[1]) throw new Error('HEALTHCHECK must name a CMD');
      stage.healthcheck = { flags, cmd: execForm(m[1], 'HEALTHCHECK CMD') };
    }
  }
  return { args, stages };
}
