// `npm run bench:capacity`: how many escalations one worker holds in flight, and whether deadlines
// stay on time while they are all pending. Bounded in count and time (default 10,000 escalations,
// at most 30 minutes); the worker runs alone in its process (`npm run worker`), so its memory and
// CPU are its own.
//
// Phases: load (starts through the API at N concurrent callers, sampling starts/s, worker RSS and
// CPU) -> timer precision with everything pending -> rest (CPU with nothing started) -> close
// (terminate all; does the memory come back?).
//
//   npm run bench:capacity                                   10,000 on the embedded dev server
//   npm run bench:capacity -- --in-flight 2000 --max-minutes 10
//   npm run bench:capacity -- --max-cached-workflows 500     another cache size for the worker
//   npm run bench:capacity -- --workflow-threads 2            threads running workflow code in each worker
//   npm run bench:capacity -- --worker-node-options=--max-old-space-size=1024  the worker's Node flags
//                                                            (default: the heap limit `npm run worker` sets;
//                                                            --worker-node-options= for none)
//   npm run bench:capacity -- --temporal-address host:7233   an existing cluster (e.g. the PostgreSQL
//                                                            topology); its own task queue, search
//                                                            attributes must be registered
//     --workers 2                                            worker processes (RSS per worker, CPU summed)
//     --server-match temporal-server,postgres                the cluster's processes by command line, for
//                                                            its CPU and memory (PSS, summed)
//     --worker-log-dir <dir>                                 each worker's output, lines prefixed with
//                                                            epoch ms (e.g. with --trace-gc in the Node flags)
//
// The mix is what a support organisation has open at once: mostly account escalations (they live
// for days to weeks: meeting deadline, contact days, daily-notes reminders, in accounts spread over
// time zones), and live-delivery escalations for sessions that started in the last minutes (they
// phone every 5 minutes and cut off at start + 15 or 30 minutes, so they come and go during the run).
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { TRIGGER_KEYS } from '../workflows/account-escalation/codes.js';
import { loadExampleDirectory } from '../test/helpers/fixtures.js';
import { accountEscalation, Api, liveDelivery, Raw, type Prepared } from './lib/escalations.js';
import { http } from './lib/http.js';
import { machine, MiB, pidsMatching, ProcessGroup, rssBytes } from './lib/proc.js';
import { startStack, WORKER_NODE_ARGS, type Stack } from './lib/stack.js';
import { percentile, round, table, type Row } from './lib/stats.js';
import { timerPrecision } from './sections/timers.js';
import type { BenchResults } from './run.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const log = (l: string) => process.stderr.write(`[capacity ${new Date().toISOString().slice(11, 19)}] ${l}\n`);

const { values } = parseArgs({
  options: {
    'in-flight': { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '8' },
    'max-minutes': { type: 'string', default: '30' },
    'max-backlog': { type: 'string', default: '300' },
    'close-by-events': { type: 'string', default: '1000' },
    'max-cached-workflows': { type: 'string' },
    'workflow-threads': { type: 'string' },
    'worker-node-options': { type: 'string' },
    'worker-log-dir': { type: 'string' },
    workers: { type: 'string', default: '1' },
    'server-match': { type: 'string' },
    'temporal-address': { type: 'string' },
    'live-share': { type: 'string', default: '0.1' },
    db: { type: 'string', default: 'file' },
    out: { type: 'string' },
    compare: { type: 'string' },
    label: { type: 'string' },
  },
});
const target = Number(values['in-flight']);
const concurrency = Number(values.concurrency);
const maxMs = Number(values['max-minutes']) * 60_000;
const liveShare = Number(values['live-share']);
// Starts pause while more tasks than this wait for the worker: the load runs at the rate the worker
// absorbs (the API alone accepts starts faster than one worker opens escalations; see npm run bench).
const maxBacklog = Number(values['max-backlog']);
const closeByEvents = Number(values['close-by-events']);
const workerCount = Number(values.workers);
const serverPatterns = (values['server-match'] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
if (!(target > 0 && concurrency > 0 && maxMs > 0 && liveShare >= 0 && liveShare <= 1 && Number.isInteger(workerCount) && workerCount > 0)) throw new Error('bad arguments');
if (values.db !== 'file' && values.db !== 'memory') throw new Error('--db is file or memory');

const t0 = Date.now();
const deadline = t0 + maxMs;
const directory = await loadExampleDirectory();
const zones = ['America/Chicago', 'America/New_York', 'America/Los_Angeles', 'Europe/Berlin', 'Europe/London', 'Asia/Tokyo', 'Australia/Sydney'];

/** The i-th escalation of the mix. */
function escalation(i: number): Prepared {
  if ((i * 7919) % 1000 < liveShare * 1000) {
    // A session that started 0-10 minutes ago: the desk escalates it now.
    const kinds = ['facilitator-no-show', 'participant-no-show', 'tech-issue'] as const;
    return liveDelivery(directory, -((i * 37) % 600) * 1000, kinds[i % 3]);
  }
  const base = accountEscalationOverrides(i);
  return accountEscalation(directory, base);
}

function accountEscalationOverrides(i: number) {
  const explicit = i % 3 === 0;
  const account = {
    id: `CAP-${process.pid.toString(36)}-${i}`,
    name: `Example Capacity Account ${i}`,
    mrr: { amount: 500 + (i % 50) * 100, currency: 'USD' },
    crmUrl: `https://crm.example.com/accounts/CAP-${i}`,
    products: ['LMS', 'CRED SOFT'],
    fmc: i % 10 === 0,
    timeZone: zones[i % zones.length]!,
  };
  return {
    account,
    explicit,
    trigger: TRIGGER_KEYS[i % TRIGGER_KEYS.length]!,
    followUpEmails: i % 2 === 0,
  };
}

interface Sample {
  t: number;
  started: number;
  /** Workflow and activity tasks waiting for the worker. */
  backlog: { workflow: number; activity: number };
  /** The largest worker's RSS (the goal is per worker). */
  workerRssMiB: number;
  /** Each worker's RSS, when there is more than one. */
  workersRssMiB?: number[];
  /** All workers together. */
  workerCpuPct: number;
  /** Time the worker's threads waited for a CPU, % of the interval (summed over threads). */
  workerWaitPct: number;
  serverRssMiB: number | null;
  serverCpuPct: number | null;
  /** Runs in each worker's workflow cache (temporal_sticky_cache_size). */
  cachedRuns: number[];
  /** The machine's 1-minute load average. */
  load1: number;
}

function loadSummary(): { min: number; median: number; max: number } | null {
  const xs = samples.map((x) => x.load1);
  return xs.length ? { min: Math.min(...xs), median: percentile(xs, 50), max: Math.max(...xs) } : null;
}

const stack: Stack = await startStack({
  temporalAddress: values['temporal-address'],
  db: values.db,
  log,
  workerEnv: {
    ...(values['max-cached-workflows'] && { TEMPORAL_MAX_CACHED_WORKFLOWS: values['max-cached-workflows'] }),
    ...(values['workflow-threads'] && { TEMPORAL_WORKFLOW_THREADS: values['workflow-threads'] }),
  },
  ...(values['worker-node-options'] !== undefined && { workerNodeArgs: values['worker-node-options'].split(' ').filter(Boolean) }),
  workers: workerCount,
  ...(values['worker-log-dir'] && { workerLogDir: values['worker-log-dir'] }),
});
const workers = new ProcessGroup(() => stack.workerPids);
// The Temporal server: the embedded dev server, or a cluster's processes found by command line.
const server = stack.devServerPid
  ? new ProcessGroup(() => [stack.devServerPid!])
  : serverPatterns.length > 0
    ? new ProcessGroup(() => pidsMatching(serverPatterns))
    : undefined;
const serverName = stack.devServerPid ? 'dev server' : server ? `server (${serverPatterns.join(' + ')}, PSS summed)` : 'server';
const workerName = workerCount > 1 ? `${workerCount} workers` : 'worker';
const rows: Row[] = [];
const samples: Sample[] = [];
const details: Record<string, unknown> = {};
const section = `capacity (${target.toLocaleString('en')} target)`;
const api = new Api(stack.apiUrl, stack.apiKey);
const raw = new Raw(stack.client, stack.taskQueue);
const ids: string[] = [];
/** Every escalation started, oldest first, with the event that closes it. */
const opened: { id: string; event: Record<string, unknown> }[] = [];
const closingEvent = (p: Prepared): Record<string, unknown> => {
  if (p.playbook === 'account-escalation') return { type: 'churned', actor: 'csm' };
  const issue = (p.input as { issueType: string }).issueType;
  return { type: issue === 'facilitator-no-show' ? 'facilitator-arrived' : issue === 'participant-no-show' ? 'participants-arrived' : 'tech-resolved', actor: 'desk-agent' };
};
let started = 0;
const errors: string[] = [];

const cpuPrev = { wait: await workers.runQueueWaitSeconds(), worker: await workers.cpuSeconds(), server: (await server?.cpuSeconds()) ?? 0, at: performance.now() };
async function sample(): Promise<Sample> {
  const now = performance.now();
  const dt = (now - cpuPrev.at) / 1000;
  const w = await workers.cpuSeconds();
  const s = server ? await server.cpuSeconds() : null;
  const wait = await workers.runQueueWaitSeconds();
  const rss = await Promise.all(stack.workerPids.map(async (pid) => round((await rssBytes(pid)) / MiB, 0)));
  const out: Sample = {
    t: Math.round((Date.now() - t0) / 1000),
    started,
    backlog: await stack.backlog().catch(() => ({ workflow: -1, activity: -1 })),
    workerRssMiB: Math.max(...rss),
    ...(rss.length > 1 && { workersRssMiB: rss }),
    workerCpuPct: round(((w - cpuPrev.worker) / dt) * 100, 0),
    workerWaitPct: round(((wait - cpuPrev.wait) / dt) * 100, 0),
    serverRssMiB: server ? round((await server.memoryBytes()) / MiB, 0) : null,
    serverCpuPct: s === null ? null : round(((s - cpuPrev.server) / dt) * 100, 0),
    cachedRuns: await stack.cachedRuns(),
    load1: round(loadavg()[0]!, 2),
  };
  Object.assign(cpuPrev, { wait, worker: w, server: s ?? 0, at: now });
  samples.push(out);
  return out;
}

try {
  const idle = await sample();
  log(`worker idle: ${idle.workerRssMiB} MiB RSS`);

  // Load
  log(`load: ${target} escalations (${Math.round(liveShare * 100)}% live-delivery), ${concurrency} callers`);
  const sampler = setInterval(() => {
    void sample().then((s) =>
      log(`  ${s.started} started, backlog ${s.backlog.workflow}+${s.backlog.activity}, ${workerName} ${(s.workersRssMiB ?? [s.workerRssMiB]).join(' + ')} MiB ${s.workerCpuPct}% CPU (waited ${s.workerWaitPct}% for one), server ${s.serverRssMiB ?? '-'} MiB ${s.serverCpuPct ?? '-'}% CPU`),
    );
  }, 15_000);
  let backlogNow = 0;
  let throttledMs = 0;
  const watcher = setInterval(() => {
    void stack.backlog().then((b) => (backlogNow = b.workflow + b.activity), () => undefined);
  }, 2_000);
  const workerCpuAtStart = await workers.cpuSeconds();
  const serverCpuAtStart = (await server?.cpuSeconds()) ?? 0;
  const loadStart = performance.now();
  const loadBudget = deadline - Date.now() - 8 * 60_000; // leave time for the measurements after
  const segments: { from: number; ms: number }[] = [];
  let segStart = performance.now();
  const lat: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < target && Date.now() - t0 < loadBudget; i = next++) {
        while (backlogNow > maxBacklog && Date.now() - t0 < loadBudget) {
          const w = performance.now();
          await new Promise((r) => setTimeout(r, 500));
          throttledMs += (performance.now() - w) / concurrency;
        }
        const p = escalation(i);
        const s = performance.now();
        try {
          await api.start(p);
        } catch (err) {
          errors.push(err instanceof Error ? err.message : String(err));
          continue;
        }
        lat.push(performance.now() - s);
        ids.push(p.id);
        opened.push({ id: p.id, event: closingEvent(p) });
        started += 1;
        if (started % 1000 === 0) {
          segments.push({ from: started - 1000, ms: performance.now() - segStart });
          segStart = performance.now();
        }
      }
    }),
  );
  clearInterval(sampler);
  clearInterval(watcher);
  const loadMs = performance.now() - loadStart;
  const loaded = await sample();
  const perSegment = segments.map((s) => round(1000 / (s.ms / 1000), 1));
  log(`loaded ${started} in ${round(loadMs / 1000, 0)} s (${errors.length} errors); starts/s per 1,000: ${perSegment.join(', ')}`);
  const open = async () => {
    const r = await stack.connection.workflowService.countWorkflowExecutions({
      namespace: stack.namespace,
      query: `TaskQueue = "${stack.taskQueue}" AND ExecutionStatus = "Running"`,
    });
    return Number(r.count ?? 0);
  };
  const inFlight = await open();
  rows.push(
    { section, figure: 'started', unit: '', api: started, raw: null, ratio: null, note: `${errors.length} errors${errors[0] ? ` (first: ${errors[0].slice(0, 120)})` : ''}; ${inFlight} running when loading ended (live-delivery ones close within about 30 minutes)` },
    {
      section,
      figure: 'starts/s while loading (the worker keeping up)',
      unit: '/s',
      api: round((started / loadMs) * 1000),
      raw: null,
      ratio: null,
      note: `per 1,000: ${perSegment.join(', ')}; starts paused ${round(throttledMs / 1000, 0)} s in all while more than ${maxBacklog} tasks waited for the worker`,
    },
    { section, figure: 'start latency p50 / p99 while loading', unit: 'ms', api: round(percentile(lat, 50)), raw: round(percentile(lat, 99)), ratio: null, note: "'raw' column = p99" },
  );

  // The worker catches up with what the starts left it (first tasks, alerts, cases, channels).
  const drainStart = performance.now();
  for (let quiet = 0; quiet < 2 && Date.now() < deadline - 6 * 60_000; ) {
    await new Promise((r) => setTimeout(r, 5_000));
    const b = (await sample()).backlog;
    quiet = b.workflow + b.activity === 0 ? quiet + 1 : 0;
  }
  const drained = await sample();
  const workerCpu = (await workers.cpuSeconds()) - workerCpuAtStart;
  const serverCpu = server ? (await server.cpuSeconds()) - serverCpuAtStart : null;
  // History events an opened escalation has by now (a sample): the unit the sizing note scales by.
  const sampleIds = ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / 200)) === 0).slice(0, 200);
  const lengths = await Promise.all(
    sampleIds.map((id) =>
      stack.client.workflow
        .getHandle(id)
        .describe()
        .then((d) => Number(d.raw.workflowExecutionInfo?.historyLength ?? 0), () => 0),
    ),
  );
  const eventsPerEscalation = lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.length);
  rows.push({
    section,
    figure: 'history events per escalation opened (sample) / worker CPU per event',
    unit: '',
    api: round(eventsPerEscalation, 0),
    raw: round((workerCpu * 1000) / Math.max(1, started * eventsPerEscalation), 2),
    ratio: null,
    note: `mean history length of ${lengths.length} escalations once the worker caught up; 'raw' column = worker CPU ms per history event`,
  });
  rows.push({
    section,
    figure: `CPU per escalation opened (${workerName} / server)`,
    unit: 'ms',
    api: round((workerCpu * 1000) / Math.max(1, started), 0),
    raw: serverCpu === null ? null : round((serverCpu * 1000) / Math.max(1, started), 0),
    ratio: null,
    note: `CPU time from the first start until the worker caught up, divided by the escalations started (opening steps: alert, case, channel, first contact day); 'raw' column = ${serverName}`,
  });
  const peak = Math.max(...samples.map((x) => x.workerRssMiB));
  rows.push({
    section,
    figure: `worker RSS${workerCount > 1 ? `, largest of ${workerCount}` : ''}: all in flight (idle before)`,
    unit: 'MiB',
    api: drained.workerRssMiB,
    raw: idle.workerRssMiB,
    ratio: null,
    goal: '<= 1024 MiB',
    met: peak <= 1024,
    note: `peak ${peak} MiB; ${drained.workersRssMiB ? `each: ${drained.workersRssMiB.join(' / ')} MiB (idle ${idle.workersRssMiB?.join(' / ')}); ` : ''}${round(((drained.workerRssMiB - idle.workerRssMiB) * 1024 * workerCount) / Math.max(1, started), 0)} KiB per escalation started; 'raw' column = idle`,
  });
  rows.push({
    section,
    figure: 'worker caught up after loading',
    unit: 'ms',
    api: round(performance.now() - drainStart, 0),
    raw: null,
    ratio: null,
    note: `backlog ${drained.backlog.workflow} workflow + ${drained.backlog.activity} activity tasks at the end; worker ${drained.workerRssMiB} MiB`,
  });

  // Deadlines while everything is pending.
  const precision = await timerPrecision(stack, directory, { section: `${section}: timer precision, all pending`, log });
  rows.push(...precision.rows);
  details.precision = { lateness: precision.lateness, breakdown: precision.breakdown, deadlines: precision.deadlines };

  // Rest: nothing started; whatever the worker does now is timers and reminders.
  log('rest: 60 s without new starts');
  const workerRest = await workers.cpuPercent(60_000);
  const serverRest = server ? await server.cpuPercent(5_000) : null;
  const rested = await sample();
  rows.push({
    section,
    figure: `CPU at rest (${workerName} / server), % of a core`,
    unit: '%',
    api: round(workerRest, 0),
    raw: serverRest === null ? null : round(serverRest, 0),
    ratio: null,
    note: `worker RSS ${(rested.workersRssMiB ?? [rested.workerRssMiB]).join(' / ')} MiB; ${await open()} running; 'raw' column = ${serverName}`,
  });

  // Close: the most recently opened escalations (the ones the worker's cache holds) close the way
  // people close them, through the API (the worker drops a completed escalation from its cache);
  // the rest are terminated (a terminated run stays cached until the cache needs its room).
  const closing = opened.slice(-Math.min(opened.length, closeByEvents));
  log(`close: ${closing.length} through their closing event, then terminating the rest`);
  const before = await sample();
  const closeStart = performance.now();
  let closedByEvent = 0;
  let nextClose = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = nextClose++; i < closing.length; i = nextClose++) {
        const { id, event } = closing[i]!;
        const r = await http('POST', `${stack.apiUrl}/escalations/${encodeURIComponent(id)}/events`, event, { authorization: `Bearer ${stack.apiKey}` });
        if (r.status === 200) closedByEvent += 1; // 409: it had closed already (a passed cutoff)
      }
    }),
  );
  const eventsMs = performance.now() - closeStart;
  // Let the worker finish the closing steps (outcome posts, case notes) before measuring.
  for (let quiet = 0; quiet < 2 && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 5_000));
    const b = (await sample()).backlog;
    quiet = b.workflow + b.activity === 0 ? quiet + 1 : 0;
  }
  await new Promise((r) => setTimeout(r, 30_000));
  const afterEvents = await sample();
  rows.push({
    section,
    figure: `worker RSS: before -> after ${closing.length} closed by their event (+30 s)`,
    unit: 'MiB',
    api: afterEvents.workerRssMiB,
    raw: before.workerRssMiB,
    ratio: round(afterEvents.workerRssMiB / before.workerRssMiB, 2),
    note: `${closedByEvent} closed by churned / facilitator-arrived / participants-arrived / tech-resolved in ${round(eventsMs / 1000, 0)} s (the others had closed already); runs in the workflow cache ${before.cachedRuns.join(' + ')} before, ${afterEvents.cachedRuns.join(' + ')} after; 'raw' column = before`,
  });
  const closedIds = new Set(closing.map((c) => c.id));
  const rest = ids.filter((id) => !closedIds.has(id));
  const termStart = performance.now();
  await raw.terminate(rest, 16);
  const termMs = performance.now() - termStart;
  await new Promise((r) => setTimeout(r, 30_000));
  const closed = await sample();
  rows.push({
    section,
    figure: 'worker RSS after all closed (+30 s)',
    unit: 'MiB',
    api: closed.workerRssMiB,
    raw: loaded.workerRssMiB,
    ratio: round(closed.workerRssMiB / loaded.workerRssMiB, 2),
    note: `terminated the other ${rest.length} in ${round(termMs / 1000, 0)} s; ${closed.cachedRuns.join(' + ')} runs still in the workflow cache (a terminated run leaves it only when the cache needs the room); 'raw' column = when loading ended`,
  });
} finally {
  details.samples = samples;
  await stack.close();
}

let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
} catch {
  // not a git checkout
}
const m = await machine();
const results: BenchResults = {
  bench: 'escalation-engine',
  label: values.label,
  date: new Date().toISOString(),
  commit,
  machine: m,
  options: {
    capacity: true,
    inFlight: target,
    concurrency,
    maxMinutes: Number(values['max-minutes']),
    maxCachedWorkflows: values['max-cached-workflows'] ?? 'config default',
    workflowThreads: values['workflow-threads'] ?? 'worker default (2)',
    workerNodeArgs: values['worker-node-options'] ?? WORKER_NODE_ARGS.join(' '),
    // The machine is shared: the 1-minute load average over the run's samples.
    loadAverage: loadSummary(),
    temporalAddress: values['temporal-address'] ?? 'embedded dev server',
    workers: workerCount,
    ...(serverPatterns.length > 0 && { serverMatch: serverPatterns }),
    liveShare,
    maxBacklog,
    db: values.db,
  },
  rows,
  details,
  durationS: Math.round((Date.now() - t0) / 1000),
};
const previous = values.compare ? (JSON.parse(await readFile(values.compare, 'utf8')) as BenchResults) : undefined;
const out = values.out ?? join(root, 'bench/results', `capacity-${results.date.slice(0, 16).replace(':', '-')}.json`);
await mkdir(join(out, '..'), { recursive: true });
await writeFile(out, `${JSON.stringify(results, null, 1)}\n`);
process.stdout.write(
  `\n## escalation-engine capacity, ${results.date.slice(0, 16)}Z, commit ${commit}${values.label ? ` (${values.label})` : ''}\n\n` +
    `Machine: ${m.cores} x ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}; load average at the end ${m.load.join(' ')}` +
    `${results.options.loadAverage ? `, during the run (1 min) ${JSON.stringify(results.options.loadAverage)}` : ''}. ` +
    `Temporal: ${results.options.temporalAddress as string}; workers: ${workerCount}; worker cache: ${results.options.maxCachedWorkflows as string}; workflow threads: ${results.options.workflowThreads as string}` +
    `; worker Node flags: ${(results.options.workerNodeArgs as string) || 'none'}. ${results.durationS} s.\n\n` +
    table(rows, previous?.rows) +
    `\n\nWritten to ${out}\n`,
);
process.exit(0);
