/**
 * Summarises V8 CPU profiles (`npm run bench -- --profile DIR`):
 * `npx tsx bench/profile-summary.ts FILE.cpuprofile [--per N] [--top N] [--focus TEXT]`.
 *
 * Self and inclusive time by module (a package under node_modules, a file of ours, or
 * node's own `node:` internals) and by function, in µs per request when `--per` says how
 * many requests the profile served (else ms in all). Inclusive time counts a sample once
 * per module or function on its stack, however deep the recursion. `--focus TEXT` keeps
 * only samples with a frame whose function or URL contains TEXT.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    per: { type: 'string' },
    top: { type: 'string', default: '40' },
    focus: { type: 'string' },
  },
});
const per = opts.per ? Number(opts.per) : undefined;
const top = Number(opts.top);

export function moduleOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return url;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 14).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const src = url.search(/\/(src|bench)\//);
  return src >= 0 ? url.slice(src + 1).replace(/^bench\/\.build\//, '') : url;
}

for (const file of positionals) {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfMod = new Map<string, number>();
  const inclMod = new Map<string, number>();
  const selfFn = new Map<string, number>();
  const inclFn = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  let total = 0;
  let idle = 0;
  const fnKey = (f: CallFrame) =>
    `${f.functionName || '(anonymous)'} ${moduleOf(f.url, f.functionName)}:${f.lineNumber + 1}`;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000; // ms; delta i+1 is the time sample i lasted
    const leaf = byId.get(p.samples[i]!)!;
    if (leaf.callFrame.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    const stack: CallFrame[] = [];
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id))
      stack.push(byId.get(id)!.callFrame);
    if (opts.focus && !stack.some((f) => f.functionName.includes(opts.focus!) || f.url.includes(opts.focus!))) continue;
    total += dt;
    add(selfMod, moduleOf(leaf.callFrame.url, leaf.callFrame.functionName), dt);
    add(selfFn, fnKey(leaf.callFrame), dt);
    const mods = new Set(stack.map((f) => moduleOf(f.url, f.functionName)));
    for (const m of mods) add(inclMod, m, dt);
    const fns = new Set(stack.map(fnKey));
    for (const f of fns) add(inclFn, f, dt);
  }
  const unit = per ? 'µs/req' : 'ms';
  const show = (v: number) => (per ? ((v * 1000) / per).toFixed(1) : v.toFixed(1));
  const table = (title: string, m: Map<string, number>) => {
    process.stdout.write(`\n${title} (${unit})\n`);
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
      process.stdout.write(`${show(v).padStart(9)}  ${k}\n`);
  };
  process.stdout.write(
    `${file}\nnon-idle ${show(total)} ${unit}, idle ${show(idle)} ${unit}, wall ${((p.endTime - p.startTime) / 1000).toFixed(0)} ms\n`,
  );
  table('self by module', selfMod);
  table('inclusive by module', inclMod);
  table('self by function', selfFn);
  table('inclusive by function', inclFn);
}
