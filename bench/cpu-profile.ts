// `npm run bench:cpu-profile -- <file.cpuprofile> [--bundle <workflow bundle .js>] [--top 25]`: where a
// process's CPU went, from a profile written by `node --cpu-prof` (e.g. the worker's, with
// `npm run bench:capacity -- --worker-node-options="--max-old-space-size=512 --cpu-prof --cpu-prof-dir=DIR"`:
// one file per thread, the main thread's (activities, the SDK's core bridge) and the workflow
// thread's). Prints self and inclusive time by function and by file or package, as shares of the
// thread's busy time (idle samples left out). The workflow thread's samples point into the workflow
// bundle; with `--bundle` (node_modules/.cache/escalation-engine/workflows-<key>.js, the one the run
// used) they are attributed to the module each line belongs to (workflows/kit/time.ts, temporal-polyfill).
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
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { bundle: { type: 'string' }, top: { type: 'string', default: '25' } },
});
if (positionals.length !== 1) {
  process.stderr.write('usage: npm run bench:cpu-profile -- <file.cpuprofile> [--bundle <workflow bundle .js>] [--top N]\n');
  process.exit(2);
}
const top = Number(values.top);
const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Profile;

// Bundle line -> webpack module ('./workflows/kit/time.ts', './node_modules/temporal-polyfill/...').
const RUNTIME = 'workflow-bundle runtime';
const marks: [number, string][] = [];
if (values.bundle) {
  readFileSync(values.bundle, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const m = /^\/\*\*\*\/ "\.\/(.*)"/.exec(line);
      if (m) marks.push([i, m[1]!]);
      // webpack's own runtime (__webpack_require__ and its helpers) is marked /******/
      else if (line.startsWith('/******/') && marks.at(-1)?.[1] !== RUNTIME) marks.push([i, RUNTIME]);
    });
}
function moduleAt(line: number): string {
  let lo = 0;
  let hi = marks.length - 1;
  let found = RUNTIME;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (marks[mid]![0] <= line) {
      found = marks[mid]![1];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** A frame's file or package: `pkg:@temporalio/worker`, `workflows/kit/time.ts`, `node-internal`, `(native/v8)`. */
function area(frame: CallFrame): string {
  let url = frame.url;
  if (!url) return '(native/v8)';
  if (/workflow-bundle-/.test(url) && marks.length > 0) {
    const module = moduleAt(frame.lineNumber);
    if (module === RUNTIME) return RUNTIME;
    url = `/${module}`;
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `pkg:${pkg[1]}`;
  if (url.startsWith('node:')) return 'node-internal';
  const own = /\/(workflows|activities|src|bench|test)\/(.*)$/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  return url.replace(/^.*\//, '');
}
const functionKey = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${area(f)}:${f.lineNumber + 1}`;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfByNode = new Map<number, number>();
profile.samples.forEach((id, i) => selfByNode.set(id, (selfByNode.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)));

const add = (m: Map<string, number>, k: string, us: number) => m.set(k, (m.get(k) ?? 0) + us);
const selfF = new Map<string, number>();
const selfA = new Map<string, number>();
const inclF = new Map<string, number>();
const inclA = new Map<string, number>();
let busy = 0;
let idle = 0;
for (const [id, us] of selfByNode) {
  const frame = byId.get(id)!.callFrame;
  if (frame.functionName === '(idle)') {
    idle += us;
    continue;
  }
  busy += us;
  add(selfF, functionKey(frame), us);
  add(selfA, area(frame), us);
  // Inclusive: each function and area once per sample, however often it recurs on the stack.
  const seenF = new Set<string>();
  const seenA = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const f = byId.get(cur)!.callFrame;
    const k = functionKey(f);
    const a = area(f);
    if (!seenF.has(k)) seenF.add(k), add(inclF, k, us);
    if (!seenA.has(a)) seenA.add(a), add(inclA, a, us);
  }
}

const line = (k: string, us: number) =>
  `${((100 * us) / busy).toFixed(1).padStart(5)}% ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`;
function show(title: string, m: Map<string, number>, n: number, keep: (k: string) => boolean = () => true) {
  console.log(`\n## ${title}`);
  for (const [k, us] of [...m].filter(([k]) => keep(k)).sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(line(k, us));
}
console.log(`${positionals[0]}: busy ${(busy / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s`);
show('self time by function', selfF, top);
show('self time by file or package', selfA, top);
show('inclusive time by function, the engine\'s code', inclF, top, (k) => / (workflows|activities|src)\//.test(k));
show('inclusive time by file or package', inclA, top);
