// Long-lived escalations (days to months): the history of one run is kept bounded by continuing as
// new at a quiet moment, carrying the escalation's state into the next run. What the state carries is
// bounded too: the timeline keeps its first entry and the most recent ones, and the dropped entries
// are counted by kind in one summary entry; closed tasks and sent messages keep only the latest.
import { makeContinueAsNewFunc, workflowInfo, type Workflow } from '@temporalio/workflow';
import type { Escalation } from './escalation.js';
import type { AppliedRequest, EscalationState, LivePost, PendingDeadline, TimelineEntry } from './state.js';

export interface CarryLimits {
  /** Timeline entries kept (besides the first one and the summary). */
  timeline: number;
  /** Closed tasks kept (open tasks are always kept). */
  closedTasks: number;
  messages: number;
}

export const DEFAULT_CARRY_LIMITS: CarryLimits = { timeline: 150, closedTasks: 30, messages: 50 };

/** One finished run of the escalation, for the state (the Web UI lists the runs themselves). */
export interface RunRecord {
  runId: string;
  startedAt: string;
  continuedAt: string;
  historyLength: number;
}

/** The part of the escalation's state that moves into the next run, plus the run records. */
export interface CarriedEscalation<Status extends string, Details>
  extends Pick<EscalationState<Status, Details>, 'status' | 'waitingFor' | 'deadlines' | 'tasks' | 'messages' | 'timeline' | 'details'> {
  /** Earlier runs, newest last (at most `RUNS_KEPT`). */
  runs: RunRecord[];
  /** Runs before `runs` that were dropped from the list. */
  runsDropped: number;
  /** Fired deadlines whose events stay closed (absent in runs carried before this field existed). */
  closedDeadlines?: PendingDeadline[];
  /** Posts whose buttons still work, closed by a later run (absent when there are none, or in older runs). */
  livePosts?: LivePost[];
  /**
   * The Idempotency-Keys of the latest events applied (absent when none, or in older runs): a retry
   * of one of them that reaches the next run is answered, not applied again.
   */
  requests?: AppliedRequest[];
}

export const SUMMARY_KIND = 'timeline-summarised';
const RUNS_KEPT = 20;

/** The timeline with at most `keep` recent entries, the dropped ones counted in one summary entry. */
export function trimTimeline(entries: TimelineEntry[], keep: number, at: string): TimelineEntry[] {
  const [first, ...rest] = entries;
  if (!first) return [];
  const previous = rest.find((e) => e.kind === SUMMARY_KIND);
  const others = rest.filter((e) => e.kind !== SUMMARY_KIND);
  if (others.length <= keep) return entries;
  const dropped = others.slice(0, others.length - keep);
  const counts: Record<string, number> = { ...((previous?.data?.counts as Record<string, number> | undefined) ?? {}) };
  for (const e of dropped) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const summary: TimelineEntry = {
    at,
    kind: SUMMARY_KIND,
    actor: 'engine',
    detail:
      `${total} earlier timeline entries summarised to keep the escalation's state bounded ` +
      `(until ${dropped.at(-1)!.at}); the earlier runs' histories hold every step`,
    data: { counts, until: dropped.at(-1)!.at },
  };
  return [first, summary, ...others.slice(others.length - keep)];
}

/** The escalation's state, trimmed, for the next run. */
export function carryOver<Status extends string, Details>(
  esc: Escalation<Status, Details>,
  previous: Pick<CarriedEscalation<Status, Details>, 'runs' | 'runsDropped'> | undefined,
  limits: CarryLimits = DEFAULT_CARRY_LIMITS,
): CarriedEscalation<Status, Details> {
  const info = workflowInfo();
  const now = new Date(Date.now()).toISOString();
  const closed = esc.tasks.filter((t) => t.status !== 'open');
  const keptClosed = new Set(closed.slice(Math.max(0, closed.length - limits.closedTasks)));
  const runs = [
    ...(previous?.runs ?? []),
    { runId: info.runId, startedAt: info.runStartTime.toISOString(), continuedAt: now, historyLength: info.historyLength },
  ];
  const runsDropped = (previous?.runsDropped ?? 0) + Math.max(0, runs.length - RUNS_KEPT);
  const requests = esc.appliedRequests();
  return {
    status: esc.status,
    waitingFor: [...esc.waitingFor],
    deadlines: esc.deadlines.list(),
    closedDeadlines: esc.deadlines.closed(),
    tasks: esc.tasks.filter((t) => t.status === 'open' || keptClosed.has(t)),
    messages: esc.messages.slice(Math.max(0, esc.messages.length - limits.messages)),
    timeline: trimTimeline(esc.timeline.entries, limits.timeline, now),
    details: esc.details,
    ...(esc.livePosts.length > 0 && { livePosts: [...esc.livePosts] }),
    ...(requests.length > 0 && { requests }),
    runs: runs.slice(Math.max(0, runs.length - RUNS_KEPT)),
    runsDropped,
  };
}

/** Puts carried state into a fresh Escalation at the start of a continued run. */
export function restore<Status extends string, Details>(
  esc: Escalation<Status, Details>,
  carried: CarriedEscalation<Status, Details>,
): void {
  esc.timeline.entries.push(...carried.timeline);
  esc.tasks.push(...carried.tasks);
  esc.messages.push(...carried.messages);
  esc.livePosts.push(...(carried.livePosts ?? []));
  esc.restoreAppliedRequests(carried.requests ?? []);
  esc.deadlines.restoreClosed(carried.closedDeadlines ?? []);
  for (const d of carried.deadlines) esc.deadlines.add(d.name, d.at, 0, d.description, { closes: d.closes });
  esc.waitingFor = [...carried.waitingFor];
}

/**
 * True when this run's history has grown past `maxEvents` events or `maxBytes` (or the server
 * suggests it): time to continue as new at the next quiet moment. All three are recorded in the
 * history (workflow task started events), so replay decides the same way.
 */
export function historyIsLong(maxEvents: number, maxBytes = Number.POSITIVE_INFINITY): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= maxEvents || info.historySize >= maxBytes;
}

/**
 * Continues as new with the same memo and search attributes, passed explicitly so the next run keeps
 * them whatever the server's default (the API finds escalations by both).
 */
export function continueWith<F extends Workflow>(...args: Parameters<F>): Promise<never> {
  const info = workflowInfo();
  return makeContinueAsNewFunc<F>({
    ...(info.memo && { memo: info.memo }),
    typedSearchAttributes: info.typedSearchAttributes,
  })(...args);
}
