// History size per playbook after its longest path, and what one delivered event costs in history
// as an escalation grows. Runs on the time-skipping test server at the SOP's real durations (the 15
// and 30 minutes, the 10 contact days and the weekly finance meeting are skipped, not shortened),
// with the real activities against the stand-ins.
import type { WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { TemplateCatalog } from '../../activities/email/templates.js';
import type { Directory } from '../../src/directory.js';
import { MAX_RUN_EVENTS } from '../../workflows/account-escalation/sop.js';
import { isBusinessDay } from '../../workflows/kit/calendar.js';
import { eventUpdate, stateQuery } from '../../workflows/kit/messages.js';
import type { EscalationEvent } from '../../workflows/kit/state.js';
import { accountEscalationInput, nextLocal } from '../../test/helpers/account-fixtures.js';
import { liveDeliveryInput } from '../../test/helpers/fixtures.js';
import { standInActivities, startStandIns, type StandIns } from '../../test/helpers/stand-ins.js';
import { bundleWorkflows, createTimeSkippingEnv, uniqueTaskQueue } from '../../test/helpers/temporal.js';
import { runHistorySizeBench } from '../history-size.js';
import { Raw, prepare } from '../lib/escalations.js';
import { median, round, type Row } from '../lib/stats.js';

const { History, HistoryEvent } = proto.temporal.api.history.v1;
type IHistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export interface RunFigures {
  runId: string;
  events: number;
  bytes: number;
}

export interface ScenarioFigures {
  scenario: string;
  playbook: string;
  outcome: string;
  runs: RunFigures[];
  eventsDelivered: number;
  /** Bytes of each update's history events (accepted + completed), in delivery order. */
  bytesPerDelivery: number[];
}

async function allRuns(env: TestWorkflowEnvironment, handle: WorkflowHandle): Promise<{ runId: string; events: IHistoryEvent[] }[]> {
  const out: { runId: string; events: IHistoryEvent[] }[] = [];
  let runId: string | undefined = (await handle.describe()).runId;
  while (runId) {
    const history: proto.temporal.api.history.v1.IHistory = await env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
    const events: IHistoryEvent[] = history.events ?? [];
    out.unshift({ runId, events });
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
  }
  return out;
}

function figures(scenario: string, playbook: string, outcome: string, runs: { runId: string; events: IHistoryEvent[] }[]): ScenarioFigures {
  const bytesPerDelivery: number[] = [];
  for (const run of runs) {
    // An update's cost in history: its accepted event (carries the event) and completed event (carries the answer).
    const byUpdate = new Map<string, number>();
    for (const e of run.events) {
      const id =
        e.workflowExecutionUpdateAcceptedEventAttributes?.protocolInstanceId ??
        e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId;
      if (!id) continue;
      byUpdate.set(id, (byUpdate.get(id) ?? 0) + HistoryEvent.encode(e).finish().length);
    }
    bytesPerDelivery.push(...byUpdate.values());
  }
  return {
    scenario,
    playbook,
    outcome,
    runs: runs.map((r) => ({ runId: r.runId, events: r.events.length, bytes: History.encode({ events: r.events }).finish().length })),
    eventsDelivered: bytesPerDelivery.length,
    bytesPerDelivery,
  };
}

interface Ctx {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  raw: Raw;
  directory: Directory;
}

const sleepUntil = async (env: TestWorkflowEnvironment, ms: number) => {
  const now = await env.currentTimeMs();
  if (ms > now) await env.sleep(ms - now);
};
const send = (h: WorkflowHandle, e: EscalationEvent) => h.executeUpdate(eventUpdate, { args: [e] });

type Scenario = { name: string; playbook: string; run: (ctx: Ctx) => Promise<{ handle: WorkflowHandle; outcome: string }> };

/** Live delivery: events at minute offsets from the session start (clear of the 5-minute call reminders). */
const live = (name: string, issueType: 'facilitator-no-show' | 'participant-no-show' | 'tech-issue', events: [number, EscalationEvent][]): Scenario => ({
  name,
  playbook: 'live-delivery',
  async run({ env, raw, directory }) {
    const start = await env.currentTimeMs();
    const p = prepare('live-delivery', liveDeliveryInput(issueType, start), directory, start);
    const handle = await raw.start(p);
    for (const [atMin, event] of events) {
      await sleepUntil(env, start + atMin * MIN);
      await send(handle, event);
    }
    const result = (await handle.result()) as { outcome: string };
    return { handle, outcome: result.outcome };
  },
});

export const scenarios: Scenario[] = [
  live('live-delivery facilitator no-show: owner acknowledges, 3 unanswered calls, cutoff, ticket', 'facilitator-no-show', [
    [1.5, { type: 'owner-acknowledged', actor: 'booking-owner', takeOver: false }],
    [2.5, { type: 'facilitator-no-answer', actor: 'desk-agent' }],
    [7.5, { type: 'facilitator-no-answer', actor: 'desk-agent' }],
    [12.5, { type: 'facilitator-no-answer', actor: 'desk-agent' }],
  ]),
  live('live-delivery participant no-show: client unreachable (template 2), details mismatch, 6 call reminders, cutoff (template 4)', 'participant-no-show', [
    [1.5, { type: 'owner-acknowledged', actor: 'booking-owner', takeOver: false }],
    [2.5, { type: 'client-unreachable', actor: 'desk-agent' }],
    [7.5, { type: 'details-mismatch', actor: 'desk-agent', clientStartTime: '2030-01-01T10:00:00Z' }],
  ]),
  live('live-delivery tech issue: unresolved at the cutoff (template 5), ticket', 'tech-issue', [
    [1.5, { type: 'owner-acknowledged', actor: 'booking-owner', takeOver: false }],
  ]),
  live('live-delivery facilitator no-show: 100 events before the cutoff (cost per delivered event)', 'facilitator-no-show', [
    ...Array.from({ length: 100 }, (_, i): [number, EscalationEvent] => [0.5 + i * 0.08, { type: 'facilitator-no-answer', actor: 'desk-agent' }]),
    [9, { type: 'facilitator-arrived', actor: 'desk-agent' }],
  ]),
  {
    name: 'account-escalation: explicit complaint (FMC), 10 contact days, daily notes, finance denied then approved, customer rejects, renegotiation at the finance meeting, new round approved and accepted',
    playbook: 'account-escalation',
    async run({ env, raw, directory }) {
      const tz = 'America/Chicago';
      const start = nextLocal(await env.currentTimeMs(), tz, 1, 9, 30); // a Monday 09:30 Chicago
      await sleepUntil(env, start);
      const input = accountEscalationInput(start, {
        explicit: true,
        trigger: 'unresponsive-after-issue',
        followUpEmails: true,
        account: { ...accountEscalationInput(0).account, fmc: true, name: 'Example Long Path Clinics' },
      });
      const handle = await raw.start(prepare('account-escalation', input, directory, start));
      // Day 0: the meeting. Then the contact series runs its 10 contact days (business days, so about
      // two weeks of calendar days; the state says when it is over); the offer rounds follow it, on
      // days counted from the first day the series no longer runs.
      const afterContact: Record<number, EscalationEvent[]> = {
        0: [{ type: 'resolution-proposed', actor: 'csm', offer: 'Round 1: 30% off for 6 months' }],
        1: [{ type: 'finance-denied', actor: 'accounting-analyst', reason: 'Above the discount limit' }],
        2: [{ type: 'resolution-proposed', actor: 'csm', offer: 'Round 2: 15% off for 6 months' }],
        3: [{ type: 'finance-approved', actor: 'accounting-analyst' }],
        4: [{ type: 'customer-rejected', actor: 'csm', reason: 'Wants more' }],
        12: [{ type: 'resolution-proposed', actor: 'cs-team-lead', offer: 'Round 3: 20% off for 6 months' }],
        13: [{ type: 'finance-approved', actor: 'accounting-analyst' }],
        14: [{ type: 'customer-accepted', actor: 'csm' }],
      };
      let outcome = '';
      let contactOver: number | undefined;
      for (let day = 0; day <= 60 && !outcome; day++) {
        const at = start + day * DAY + 2 * HOUR; // 11:30 local, clear of the engine's timers
        await sleepUntil(env, at);
        const contact = ((await handle.query(stateQuery)) as { details: { contact?: { state: string } | null } }).details.contact;
        const running = contact?.state === 'running';
        if (day > 0 && !running) contactOver ??= day;
        // The CSM records a contact attempt every day of the series (the customer never answers).
        const events: EscalationEvent[] = running ? [{ type: 'contact-attempted', actor: 'csm', channel: 'phone' }] : [];
        // A note on most business days; every fifth is forgotten, so the 16:00 reminder fires.
        if (isBusinessDay(at, tz) && day % 5 !== 3) events.push({ type: 'note', actor: 'csm', text: `Day ${day}: followed up with the customer.` });
        if (day === 0) events.push({ type: 'meeting-held', actor: 'csm', summary: 'Customer, TL and CSM met' });
        if (contactOver !== undefined) events.push(...(afterContact[day - contactOver] ?? []));
        for (const e of events) {
          const s = (await send(handle, e)) as { open?: boolean; outcome?: string | null; status?: string };
          if (s && s.open === false) outcome = String(s.outcome ?? s.status);
        }
      }
      const result = (await handle.result()) as { outcome: string | null; status: string };
      return { handle, outcome: result.outcome ?? result.status };
    },
  },
];

export async function historySection(
  directory: Directory,
  opts: { log: (l: string) => void; only?: (s: Scenario) => boolean },
): Promise<{ rows: Row[]; scenarios: ScenarioFigures[]; long: Awaited<ReturnType<typeof runHistorySizeBench>> }> {
  const [bundle, templates] = await Promise.all([bundleWorkflows(), TemplateCatalog.load()]);
  const standIns: StandIns = await startStandIns(directory);
  const out: ScenarioFigures[] = [];
  try {
    for (const scenario of scenarios.filter(opts.only ?? (() => true))) {
      opts.log(`history: ${scenario.name}`);
      // One time-skipping server per scenario: its clock and time-skipping lock are its own.
      const env = await createTimeSkippingEnv();
      try {
        const taskQueue = uniqueTaskQueue('bench-history');
        const worker = await Worker.create({
          connection: env.nativeConnection,
          taskQueue,
          workflowBundle: bundle as WorkflowBundleWithSourceMap,
          activities: standInActivities(standIns, directory, templates),
        });
        const raw = new Raw(env.client, taskQueue);
        const { handle, outcome } = await worker.runUntil(scenario.run({ env, taskQueue, raw, directory }));
        out.push(figures(scenario.name, scenario.playbook, outcome, await allRuns(env, handle)));
      } finally {
        await env.teardown();
      }
    }
  } finally {
    await standIns.close();
  }
  // The longest account-escalation path in time (90 days, seven proposal rounds): `npm run bench:history`.
  opts.log('history: account-escalation 90 days (npm run bench:history)');
  const long = await runHistorySizeBench();
  const rows = historyRows(out);
  const maxRun = Math.max(...long.runs.map((r) => r.events));
  rows.push(
    {
      section: 'history: account-escalation (90 days)',
      figure: 'events (all runs)',
      unit: 'events',
      api: long.events,
      raw: null,
      ratio: null,
      goal: '<= 2000 per run',
      met: maxRun <= 2000,
      note: `test/helpers/account-long-scenario.ts -> downgraded; ${long.runs.length} run(s): ${long.runs.map((r) => r.events).join(' + ')} events`,
    },
    {
      section: 'history: account-escalation (90 days)',
      figure: 'bytes (all runs)',
      unit: 'bytes',
      api: long.bytes,
      raw: null,
      ratio: null,
      note: `${round(long.bytes / long.events, 0)} bytes per event; update-completed events ${long.updateResultBytes} bytes for ${long.runs.reduce((n, r) => n + r.updates, 0)} events delivered`,
    },
  );
  return { rows, scenarios: out, long };
}

export function historyRows(scenarios: ScenarioFigures[]): Row[] {
  const rows: Row[] = [];
  for (const s of scenarios) {
    const events = s.runs.reduce((a, r) => a + r.events, 0);
    const bytes = s.runs.reduce((a, r) => a + r.bytes, 0);
    const maxRun = Math.max(...s.runs.map((r) => r.events));
    const section = `history: ${s.scenario.split(':')[0]}${s.scenario.includes('100 events') ? ' (100 events)' : ''}`;
    const d = s.bytesPerDelivery;
    const first = d.slice(0, 10);
    const last = d.slice(-10);
    rows.push(
      {
        section,
        figure: 'events (all runs)',
        unit: 'events',
        api: events,
        raw: null,
        ratio: null,
        note: `${s.scenario} -> ${s.outcome}; ${s.runs.length} run(s): ${s.runs.map((r) => r.events).join(' + ')} events`,
        ...(s.playbook === 'account-escalation' && { goal: `<= 2000 per run`, met: maxRun <= 2000 }),
      },
      { section, figure: 'bytes (all runs)', unit: 'bytes', api: bytes, raw: null, ratio: null, note: `${round(bytes / events, 0)} bytes per event` },
    );
    if (d.length >= 20) {
      const growth = round(median(last) / median(first), 2);
      rows.push({
        section,
        figure: 'bytes per delivered event: first 10 -> last 10 (median)',
        unit: 'bytes',
        api: median(last),
        raw: median(first),
        ratio: growth,
        goal: 'flat (<= 1.5x)',
        met: growth <= 1.5,
        note: `${d.length} events delivered; largest ${Math.max(...d)} bytes; 'API' = last 10, 'raw' = first 10`,
      });
    }
  }
  if (scenarios.some((s) => s.playbook === 'account-escalation')) {
    rows.push({ section: 'history', figure: 'continue-as-new threshold', unit: 'events', api: MAX_RUN_EVENTS, raw: null, ratio: null, note: 'MAX_RUN_EVENTS in workflows/account-escalation/sop.ts' });
  }
  return rows;
}
