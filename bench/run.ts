// `npm run bench`: the API against the raw Temporal SDK, measured side by side in one run on the
// same server, plus timer precision, history size per playbook and e-mail rendering. Prints one
// markdown table and writes the figures as JSON (bench/results/<date>.json) for a later comparison.
//
//   npm run bench                                  everything (about 25 minutes on 2 busy cores)
//   npm run bench -- --sections latency,timers     only some (latency, timers, history, email, capacity;
//                                                  design: the start designs on the raw SDK, with latency)
//   npm run bench -- --capacity 10000              the capacity section at the issue's 10,000 in flight
//                                                  (default 2,000: about 10 minutes; 10,000 took 50 on
//                                                  2 busy cores); --capacity-minutes bounds its loading
//   npm run bench -- --compare bench/results/X.json   adds that run's ratios as a column
//   npm run bench -- --scale 0.5                   smaller samples (a quick look; p99 gets noisy)
//   npm run bench -- --db memory                   dev server in memory instead of a SQLite file
//   npm run bench -- --api-cpu-prof DIR            the API process under node --cpu-prof (a .cpuprofile
//                                                  in DIR when the stack stops; the profiler costs CPU,
//                                                  so figures of that run are not comparable)
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadExampleDirectory } from '../test/helpers/fixtures.js';
import { runEmailRenderBench } from './email-render.js';
import { machine } from './lib/proc.js';
import { startStack } from './lib/stack.js';
import { round, table, type Row } from './lib/stats.js';
import { historySection } from './sections/history.js';
import { latencySections } from './sections/latency.js';
import { timerPrecision } from './sections/timers.js';

export interface BenchResults {
  bench: 'escalation-engine';
  label: string | undefined;
  date: string;
  commit: string;
  machine: Awaited<ReturnType<typeof machine>>;
  options: Record<string, unknown>;
  rows: Row[];
  details: Record<string, unknown>;
  durationS: number;
}

const root = fileURLToPath(new URL('../', import.meta.url));
const log = (l: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${l}\n`);

const { values } = parseArgs({
  options: {
    sections: { type: 'string', default: 'latency,timers,history,email,capacity' },
    capacity: { type: 'string', default: '2000' },
    'capacity-minutes': { type: 'string', default: '20' },
    scale: { type: 'string', default: '1' },
    compare: { type: 'string' },
    out: { type: 'string' },
    db: { type: 'string', default: 'file' },
    label: { type: 'string' },
    'api-cpu-prof': { type: 'string' },
  },
});
const sections = new Set(values.sections!.split(',').map((s) => s.trim()));
const scale = Number(values.scale);
if (!(scale > 0)) throw new Error('--scale must be a positive number');
if (values.db !== 'file' && values.db !== 'memory') throw new Error('--db is file or memory');
if (!(Number(values.capacity) > 0 && Number(values['capacity-minutes']) > 0)) throw new Error('--capacity and --capacity-minutes are positive numbers');

// The in-process SDK (history section's worker) logs warnings and errors only.
Runtime.install({ logger: new DefaultLogger('WARN') });
const t0 = Date.now();
const directory = await loadExampleDirectory();
const rows: Row[] = [];
const details: Record<string, unknown> = {};
const before = await machine();

// A section that fails is reported as such; the figures of the others are still written.
const failed: string[] = [];
const guarded = async (name: string, fn: () => Promise<void>) => {
  try {
    await fn();
  } catch (err) {
    // An SDK error says what failed in its cause (e.g. the update's ApplicationFailure): print the chain.
    const causes: string[] = [];
    for (let e: unknown = err instanceof Error ? err.cause : undefined; e instanceof Error; e = e.cause) causes.push(`${e.name}: ${e.message}`);
    log(`${name} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}${causes.map((c) => `\n  caused by ${c}`).join('')}`);
    failed.push(name);
    rows.push({ section: name, figure: 'FAILED', unit: '', api: null, raw: null, ratio: null, note: [String(err instanceof Error ? err.message : err), ...causes].join('; ').slice(0, 300) });
  }
};

if (sections.has('latency') || sections.has('timers')) {
  log(`starting the stack (dev server with ${values.db === 'file' ? 'a SQLite file' : 'memory'}, stand-ins, worker, API)`);
  const stack = await startStack({
    db: values.db,
    log,
    bareForwarder: sections.has('latency'),
    ...(values['api-cpu-prof'] && { apiNodeArgs: ['--cpu-prof', `--cpu-prof-dir=${values['api-cpu-prof']}`] }),
  });
  try {
    if (sections.has('latency')) {
      await guarded('latency', async () => {
        const r = await latencySections(stack, directory, { scale, log, designs: sections.has('design') });
        rows.push(...r.rows);
        details.latency = Object.fromEntries(Object.entries(r.raw).map(([k, v]) => [k, { api: v.api.latencies.map((x) => round(x, 2)), raw: v.raw.latencies.map((x) => round(x, 2)), apiWallMs: v.api.wallMs, rawWallMs: v.raw.wallMs, errors: [...v.api.errors, ...v.raw.errors].slice(0, 20) }]));
      });
    }
    if (sections.has('timers')) {
      await guarded('timers', async () => {
        const r = await timerPrecision(stack, directory, { log });
        rows.push(...r.rows);
        details.timers = { lateness: r.lateness, breakdown: r.breakdown, deadlines: r.deadlines };
      });
    }
  } finally {
    await stack.close();
  }
}

if (sections.has('history')) {
  await guarded('history', async () => {
    const r = await historySection(directory, { log });
    rows.push(...r.rows);
    details.history = { scenarios: r.scenarios, long: r.long };
  });
}

if (sections.has('email')) {
  log('email render');
  const r = await runEmailRenderBench();
  rows.push({
    section: 'email render',
    figure: `median per render (${r.template})`,
    unit: 'ms',
    api: r.precompiledMedianMs,
    raw: r.perSendMjmlMedianMs,
    ratio: round(r.precompiledMedianMs / r.perSendMjmlMedianMs, 3),
    goal: '<= 0.05x',
    met: r.meetsGoal,
    note: `'API' = precompiled TemplateCatalog.render, 'raw' = fill + mjml2html per send; identical output: ${r.sameOutput}`,
  });
  details.email = r;
}

if (sections.has('capacity')) await guarded('capacity', async () => {
  // Its own process and stack (npm run bench:capacity), after the others have stopped theirs, so
  // the worker's memory and CPU are the capacity run's alone.
  const file = join(root, 'bench/results', `capacity-${new Date().toISOString().slice(0, 16).replace(':', '-')}.json`);
  const args = ['tsx', 'bench/capacity.ts', '--in-flight', values.capacity!, '--max-minutes', values['capacity-minutes']!, '--db', values.db!, '--out', file];
  log(`capacity: npx ${args.join(' ')}`);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('npx', args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`the capacity run exited with ${code}`);
  const capacity = JSON.parse(await readFile(file, 'utf8')) as BenchResults;
  rows.push(...capacity.rows);
  details.capacity = { file: file.slice(root.length), options: capacity.options, durationS: capacity.durationS };
});

let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
} catch {
  // not a git checkout
}
const results: BenchResults = {
  bench: 'escalation-engine',
  label: values.label,
  date: new Date().toISOString(),
  commit,
  machine: { ...before, load: (await machine()).load },
  options: { sections: [...sections], scale, db: values.db, ...(sections.has('capacity') && { capacity: Number(values.capacity) }) },
  rows,
  details,
  durationS: Math.round((Date.now() - t0) / 1000),
};

const previous = values.compare ? (JSON.parse(await readFile(values.compare, 'utf8')) as BenchResults) : undefined;
const out = values.out ?? join(root, 'bench/results', `${results.date.slice(0, 16).replace(':', '-')}.json`);
await mkdir(join(out, '..'), { recursive: true });
await writeFile(out, `${JSON.stringify(results, null, 1)}\n`);

const m = results.machine;
process.stdout.write(
  `\n## escalation-engine bench, ${results.date.slice(0, 16)}Z, commit ${commit}${values.label ? ` (${values.label})` : ''}\n\n` +
    `Machine: ${m.cores} x ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}; load average ${before.load.join(' ')} at the start, ${m.load.join(' ')} at the end ` +
    `(shared with other work: compare the ratios, which come from interleaved batches, not the absolute figures). ` +
    `Dev server storage: ${values.db === 'file' ? 'SQLite file' : 'memory'}. ${results.durationS} s.\n\n` +
    table(rows, previous?.rows) +
    `\n\n${previous ? `'before' = ${values.compare} (${previous.date.slice(0, 16)}Z, commit ${previous.commit}).\n` : ''}Written to ${out}\n`,
);
process.exit(failed.length > 0 ? 1 : 0);
