// API against the raw SDK on the same server in the same run: start (1 and 8 callers), event,
// read and list, in interleaved batches. Every batch starts from an idle worker: after a start
// batch the bench waits until each new escalation's first Slack post reached the stand-in, so the
// work a start leaves behind (its first workflow task, the alert activity) is never billed to the
// next batch of the other side.
import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Directory } from '../../src/directory.js';
import { playbooks } from '../../src/playbooks.js';
import { eventUpdate } from '../../workflows/kit/messages.js';
import { Api, Bare, liveDelivery, Raw, type Prepared } from '../lib/escalations.js';
import { runSeconds } from '../lib/proc.js';
import type { Stack } from '../lib/stack.js';
import { batch, interleaved, interleavedSides, ratioRows, round, summarize, type Row, type Side } from '../lib/stats.js';

export interface LatencyOptions {
  /** Scales every batch count (1 = the default sample sizes). */
  scale: number;
  /** Also measure the start designs (start + query, update-with-start) against workflow.start. */
  designs: boolean;
  log: (line: string) => void;
}

export interface LatencyResult {
  rows: Row[];
  raw: Record<string, { api: Side; raw: Side }>;
}

const MIN = 60_000;

/** Runs `fn`, adding the CPU a process used meanwhile to its section's figure (see latencySections). */
type Meter = <T>(fn: () => Promise<T>) => Promise<T>;
const unmetered: Meter = (fn) => fn();
const event = { type: 'facilitator-no-answer', actor: 'desk-agent' };

export async function latencySections(stack: Stack, directory: Directory, opts: LatencyOptions): Promise<LatencyResult> {
  const api = new Api(stack.apiUrl, stack.apiKey);
  const raw = new Raw(stack.client, stack.taskQueue);
  const started = new Set<string>();
  const n = (x: number) => Math.max(2, Math.round(x * opts.scale));
  const rows: Row[] = [];
  const sides: LatencyResult['raw'] = {};

  // Sessions starting in 25 minutes (the API refuses an issue reported more than 30 minutes ahead):
  // calls wait for the session start, so a started escalation only posts its alert and waits.
  const fresh = (count: number) => Array.from({ length: count }, () => liveDelivery(directory, 25 * MIN));
  const idle = async (ps: Prepared[]) => {
    const ok = await stack.arrivals.until(() => ps.every((p) => stack.arrivals.first(p.id, (m) => m.step === 'alert')), 120_000);
    if (!ok) opts.log(`  (worker not idle after 120 s: ${ps.filter((p) => !stack.arrivals.first(p.id)).length} alerts missing)`);
  };
  const startBatch = (count: number, concurrency: number, how: (p: Prepared) => Promise<unknown>, meter: Meter = unmetered) => async () => {
    const ps = fresh(count);
    ps.forEach((p) => started.add(p.id));
    const res = await meter(() => batch(count, concurrency, (i) => how(ps[i]!)));
    await idle(ps);
    return res;
  };

  // The API process's CPU per call, section by section (for sizing API instances), and the bare
  // forwarder's where it ran beside it: what each used while its own batches ran, not while the
  // bench waited between batches or ran the other sides (an idle process still uses some CPU, which
  // at one call per batch was a third of the figure).
  const bare = stack.bare && new Bare(stack.bare.url);
  const cpuUsed = new Map<number, number>(); // pid -> CPU seconds during its batches in this section
  const metered =
    (pid: number): Meter =>
    async (fn) => {
      const before = await runSeconds(pid);
      try {
        return await fn();
      } finally {
        cpuUsed.set(pid, (cpuUsed.get(pid) ?? 0) + (await runSeconds(pid)) - before);
      }
    };
  const onApi = metered(stack.apiPid);
  const onBare = stack.bare ? metered(stack.bare.pid) : unmetered;
  const apiCpuMs: Record<string, number> = {};
  const bareCpuMs: Record<string, number> = {};
  const apiCpu = (section: string, calls: number, bareCalls = 0) => {
    apiCpuMs[section] = round(((cpuUsed.get(stack.apiPid) ?? 0) * 1000) / Math.max(1, calls), 2);
    if (bareCalls && stack.bare) bareCpuMs[section] = round(((cpuUsed.get(stack.bare.pid) ?? 0) * 1000) / bareCalls, 2);
    cpuUsed.clear();
  };
  // Beside a goal's API-vs-raw rows: the bare forwarder against the raw SDK (what the HTTP hop alone
  // costs) and the API against the bare forwarder (what the engine adds to it).
  const bareRows = (section: string, sides: { api: Side; bare: Side; raw: Side }, rawLabel: string, throughput = false) => [
    ...ratioRows(`${section}, bare forwarder`, sides.bare, sides.raw, { rawLabel: `${rawLabel}; API column = the bare forwarder, a Fastify process making that call`, throughput }),
    ...ratioRows(`${section}, API vs bare forwarder`, sides.api, sides.bare, { rawLabel: 'raw SDK column = the bare forwarder', throughput }),
  ];

  // Warm-up: first calls pay for connections, the worker's bundle and V8's JIT.
  opts.log('warm-up');
  await startBatch(n(6), 2, api.start)();
  await startBatch(n(6), 2, raw.start)();
  if (bare) await startBatch(n(6), 2, bare.start)();

  for (const c of [1, 8]) {
    const section = `start c${c}`;
    opts.log(`${section}: API POST /escalations vs raw workflow.start`);
    // One call per batch at c1; at c8 four calls per caller (throughput needs a batch).
    const [count, rounds] = c === 1 ? [1, n(120)] : [32, n(9)];
    const r = await interleavedSides({
      rounds,
      sides: {
        api: startBatch(count, c, api.start, onApi),
        raw: startBatch(count, c, raw.start),
        ...(bare && { bare: startBatch(count, c, bare.start, onBare) }),
      },
    });
    const [a, b, f] = [r.api!, r.raw!, r.bare];
    sides[section] = { api: a, raw: b };
    rows.push(...ratioRows(section, a, b, { throughput: c > 1, rawLabel: 'workflow.start', goals: true }));
    if (f) {
      sides[`${section}, bare forwarder`] = { api: f, raw: b };
      rows.push(...bareRows(section, { api: a, bare: f, raw: b }, 'workflow.start', c > 1));
    }
    apiCpu(section, a.calls, f?.calls);
  }

  // The designs a start could have, on the raw SDK: what the answer costs beyond workflow.start
  // (how the start answer was chosen; opt-in: --sections latency,design).
  for (const c of opts.designs ? [1, 8] : []) {
    const count = c === 1 ? 1 : 32;
    const designs: [string, (p: Prepared) => Promise<unknown>][] = [
      ['start + describe + query (the answer before)', async (p) => { await raw.start(p); await raw.get(p.id); }],
      ['executeUpdateWithStart', (p) => updateWithStart(raw, p)],
    ];
    for (const [label, how] of designs) {
      const section = `start design c${c}`;
      opts.log(`${section}: ${label} vs workflow.start`);
      const r = await interleaved({ rounds: c === 1 ? n(50) : n(5), a: startBatch(count, c, how), b: startBatch(count, c, raw.start) });
      sides[`${section}: ${label}`] = { api: r.a, raw: r.b };
      const a = summarize(r.a.latencies);
      const b = summarize(r.b.latencies);
      for (const k of ['p50', 'p99'] as const) {
        rows.push({ section, figure: `${label} ${k}`, unit: 'ms', api: a[k], raw: b[k], ratio: round(a[k] / b[k], 2), note: 'raw SDK only: API column = this design' });
      }
      if (c > 1) {
        const ta = round((r.a.latencies.length / r.a.wallMs) * 1000);
        const tb = round((r.b.latencies.length / r.b.wallMs) * 1000);
        rows.push({ section, figure: `${label} throughput`, unit: '/s', api: ta, raw: tb, ratio: round(ta / tb, 2) });
      }
    }
  }

  // Event, read, list on a pool of open escalations (started through the raw SDK, alerts posted).
  const pool = fresh(16);
  for (const p of pool) {
    started.add(p.id);
    await raw.start(p);
  }
  await idle(pool);
  let turn = 0;
  const next = () => pool[turn++ % pool.length]!.id;
  // The first calls of a kind pay for JIT compiling its path (route, serializer, the SDK's encoders):
  // 50-90 ms once, which with n = 200 would be the p99. Untimed, and the CPU they used is not billed.
  const warmUp = async (...fns: (() => Promise<unknown>)[]) => {
    for (const fn of fns) for (let i = 0; i < 5; i++) await fn();
  };

  opts.log('event: API POST /escalations/{id}/events vs raw executeUpdate');
  await warmUp(() => api.event(next(), event), () => raw.event(next(), event), ...(bare ? [() => bare.event(next(), event)] : []));
  {
    const count = 1;
    const r = await interleavedSides({
      rounds: n(200),
      sides: {
        api: () => onApi(() => batch(count, 1, () => api.event(next(), event))),
        raw: () => batch(count, 1, () => raw.event(next(), event)),
        ...(bare && { bare: () => onBare(() => batch(count, 1, () => bare.event(next(), event))) }),
      },
    });
    const [a, b, f] = [r.api!, r.raw!, r.bare];
    sides.event = { api: a, raw: b };
    apiCpu('event', a.calls, f?.calls);
    rows.push(...ratioRows('event', a, b, { rawLabel: 'executeUpdate', goals: true }));
    if (f) {
      sides['event, bare forwarder'] = { api: f, raw: b };
      rows.push(...bareRows('event', { api: a, bare: f, raw: b }, 'executeUpdate'));
    }
  }

  opts.log('read: API GET /escalations/{id} vs raw describe + query');
  await warmUp(() => api.get(next()), () => raw.get(next()));
  {
    const count = 1;
    const r = await interleaved({
      rounds: n(200),
      a: () => onApi(() => batch(count, 1, () => api.get(next()))),
      b: () => batch(count, 1, () => raw.get(next())),
    });
    sides.read = { api: r.a, raw: r.b };
    apiCpu('read', r.a.calls);
    rows.push(...ratioRows('read', r.a, r.b, { rawLabel: 'describe + query', goals: true }));
  }

  // The API sends its describe and its state query together; the same on the raw SDK shows what the
  // API itself adds to a read (no goal: the baseline is the row above).
  opts.log('read, calls together: API GET /escalations/{id} vs raw describe and query sent together');
  await warmUp(() => raw.getTogether(next()));
  {
    const count = 1;
    const r = await interleaved({
      rounds: n(200),
      a: () => onApi(() => batch(count, 1, () => api.get(next()))),
      b: () => batch(count, 1, () => raw.getTogether(next())),
    });
    sides['read, calls together'] = { api: r.a, raw: r.b };
    apiCpu('read, calls together', r.a.calls);
    rows.push(...ratioRows('read, calls together', r.a, r.b, { rawLabel: 'describe and query together' }));
  }

  opts.log('list: API GET /escalations?playbook=live-delivery&limit=50 vs raw workflow.list');
  {
    const count = 1;
    const query = `EscalationPlaybook IS NOT NULL AND EscalationPlaybook = "live-delivery"`;
    await warmUp(() => api.list('playbook=live-delivery&limit=50'), () => raw.list(query, 50));
    const r = await interleaved({
      rounds: n(60),
      a: () => onApi(() => batch(count, 1, () => api.list('playbook=live-delivery&limit=50'))),
      b: () => batch(count, 1, () => raw.list(query, 50)),
    });
    sides.list = { api: r.a, raw: r.b };
    apiCpu('list', r.a.calls);
    rows.push(...ratioRows('list', r.a, r.b, { rawLabel: 'workflow.list (50)' }));
  }

  // What any HTTP call to the API process costs on this machine (no Temporal call): the floor of
  // "API minus raw" in the rows above. Measured between the same kind of batches.
  opts.log('HTTP floor: API GET /healthz');
  {
    await warmUp(() => api.request('GET', '/healthz'), () => raw.client.connection.workflowService.getSystemInfo({}));
    const r = await interleaved({
      rounds: n(60),
      a: () => batch(1, 1, () => api.request('GET', '/healthz')),
      b: () => batch(1, 1, () => raw.client.connection.workflowService.getSystemInfo({})),
    });
    const a = summarize(r.a.latencies);
    const b = summarize(r.b.latencies);
    rows.push({
      section: 'HTTP floor',
      figure: 'p50 / p99',
      unit: 'ms',
      api: a.p50,
      raw: b.p50,
      ratio: null,
      note: `GET /healthz round trip (API process, no Temporal call), p99 ${a.p99} ms; raw = gRPC getSystemInfo, p99 ${b.p99} ms: what a call costs before any work`,
    });
  }

  rows.push({
    section: 'API process CPU',
    figure: 'ms per call',
    unit: '',
    api: null,
    raw: null,
    ratio: null,
    note: Object.entries(apiCpuMs).map(([k, v]) => `${k} ${v} ms`).join(', ') + ' (CPU the API process used while its batches ran / the calls it answered)',
  });
  if (Object.keys(bareCpuMs).length > 0) {
    rows.push({
      section: 'bare forwarder CPU',
      figure: 'ms per call',
      unit: '',
      api: null,
      raw: null,
      ratio: null,
      note: Object.entries(bareCpuMs).map(([k, v]) => `${k} ${v} ms`).join(', ') + ' (the same for the bare forwarder: HTTP, JSON and the SDK call, nothing else)',
    });
  }

  opts.log(`terminating the ${started.size} escalations this section started`);
  await raw.terminate(started);
  stack.arrivals.forget(started);
  return { rows, raw: sides };
}

/**
 * Start and a first update in one call. Until the workflow has an update that answers the view,
 * this sends an event the validator rejects: the same trip through the first workflow task.
 */
async function updateWithStart(raw: Raw, p: Prepared): Promise<unknown> {
  const startWorkflowOperation = new WithStartWorkflowOperation(playbooks[p.playbook]!.workflowType, {
    ...raw.options(p),
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  try {
    return await raw.client.workflow.executeUpdateWithStart(eventUpdate, { args: [{ type: 'bench-probe' }], startWorkflowOperation });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return undefined;
    throw err;
  }
}
