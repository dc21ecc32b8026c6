// Timer precision: from a deadline's instant to the message it causes arriving at the stand-in.
// Facilitator no-shows are opened with their session's 15-minute cutoff a few seconds ahead
// (startTime = now - 15 min + lead); the SOP's duration is never shortened. The cutoff's first
// message is the request to phone the client (live-delivery v2: `call-client-1` in the Slack thread;
// the client email, template 1, when the contact has no phone or the escalation predates v2).
import type proto from '@temporalio/proto';
import type { Directory } from '../../src/directory.js';
import { Api, liveDelivery, type Prepared } from '../lib/escalations.js';
import type { Stack } from '../lib/stack.js';
import { percentile, round, type Row } from '../lib/stats.js';

type IHistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

export const CUTOFF_MS = 15 * 60_000;
const CUTOFF_STEPS = new Set(['call-client-1', 'client-email-facilitator-no-show']);
const MESSAGE_ACTIVITIES = new Set(['postSlackMessage', 'sendTemplateEmail']);

export interface TimerResult {
  /** ms from each deadline instant to its message at the stand-in; null = never arrived. */
  lateness: (number | null)[];
  rows: Row[];
  /**
   * Per deadline, ms after it: the timer fired, the worker picked up the workflow task it caused,
   * that task completed (its first message scheduled), the message's activity started, the thread's
   * outcome post arrived (the first message people see), the call request arrived.
   */
  breakdown: Record<'timerFired' | 'taskStarted' | 'taskDone' | 'activityStarted' | 'outcome' | 'arrived', number | undefined>[];
  /** Each deadline's instant (epoch ms), to set beside other logs (e.g. the worker's `--trace-gc`). */
  deadlines: number[];
}

export async function timerPrecision(
  stack: Stack,
  directory: Directory,
  opts: { count?: number; leadMs?: number; spacingMs?: number; section?: string; log: (l: string) => void },
): Promise<TimerResult> {
  const count = opts.count ?? 20;
  const lead = opts.leadMs ?? 8_000;
  const spacing = opts.spacingMs ?? 300;
  const section = opts.section ?? 'timer precision';
  const api = new Api(stack.apiUrl, stack.apiKey);
  // Opened one after another, as escalations are (a burst of starts would slow the workflow task
  // that sets each timer, and a Temporal timer counts from that task: see the README), each with
  // its cutoff `lead` ms after it is opened and at least `spacing` ms after the previous one.
  opts.log(`${section}: ${count} facilitator no-shows, each cut off ${lead / 1000} s after it is opened, ${spacing} ms apart or more`);
  const escalations: { p: Prepared; deadline: number }[] = [];
  let late = 0;
  for (let i = 0; i < count; i++) {
    const deadline = Date.now() + lead;
    const p = liveDelivery(directory, deadline - CUTOFF_MS - Date.now());
    escalations.push({ p, deadline });
    await api.start(p);
    if (Date.now() > deadline) late += 1;
    await new Promise((r) => setTimeout(r, spacing));
  }
  if (late) opts.log(`  (${late} cutoffs passed before their start was answered)`);

  const arrived = (e: { p: Prepared }) => stack.arrivals.first(e.p.id, (m) => m.step !== undefined && CUTOFF_STEPS.has(m.step));
  await stack.arrivals.until(() => escalations.every(arrived), lead + 60_000);
  const lateness = escalations.map((e) => {
    const m = arrived(e);
    return m ? m.at - e.deadline : null;
  });
  const outcomePosted = (e: { p: Prepared }) => stack.arrivals.first(e.p.id, (m) => m.step === 'outcome')?.at;
  const breakdown = await Promise.all(escalations.map((e) => where(stack, e.p.id, e.deadline, outcomePosted(e), arrived(e)?.at)));
  const got = lateness.filter((x): x is number => x !== null);
  const missing = count - got.length;
  const rows: Row[] = [
    ['min', Math.min(...got)],
    ['median', percentile(got, 50)],
    ['p99', percentile(got, 99)],
    ['max', Math.max(...got)],
  ].map(([figure, v], i) => ({
    section,
    figure: `deadline -> stand-in ${figure as string}`,
    unit: 'ms' as const,
    // No deadline arrived: no figure (rather than Infinity), and the note says how many never did.
    api: got.length > 0 ? round(v as number) : null,
    raw: null,
    ratio: null,
    ...(figure === 'p99' && section.includes('capacity') && { goal: '<= 250 ms', met: missing === 0 && (v as number) <= 250 }),
    ...(i === 0 && { note: `${got.length} of ${count} deadlines${missing ? `, ${missing} never arrived` : ''}; the server fires, the worker runs the activity, the stand-in receives` }),
  }));
  const parts = ['timerFired', 'taskStarted', 'taskDone', 'activityStarted', 'outcome', 'arrived'] as const;
  const medians = Object.fromEntries(
    parts.map((k) => [k, round(percentile(breakdown.flatMap((b) => (b?.[k] === undefined ? [] : [b[k]])), 50))]),
  ) as Record<(typeof parts)[number], number>;
  rows.push({
    section,
    figure: 'where the time goes (medians, ms after the deadline)',
    unit: '',
    api: null,
    raw: null,
    ratio: null,
    note:
      `timer fired ${medians.timerFired}, workflow task picked up ${medians.taskStarted}, done (message scheduled) ${medians.taskDone}, ` +
      `activity started ${medians.activityStarted}, the outcome post at the stand-in ${medians.outcome}, the call request at the stand-in ${medians.arrived}`,
  });
  return { lateness, rows, breakdown, deadlines: escalations.map((e) => e.deadline) };
}

/**
 * From the escalation's history: when the cutoff timer fired, when the worker picked up the task that
 * followed (WorkflowTaskStarted), when the first message's activity was scheduled and started.
 */
async function where(stack: Stack, id: string, deadline: number, outcomeAt: number | undefined, arrivedAt: number | undefined) {
  const events: IHistoryEvent[] = (await stack.client.workflow.getHandle(id).fetchHistory()).events ?? [];
  const ms = (e: IHistoryEvent | undefined) => (e?.eventTime ? tsMs(e.eventTime) - deadline : undefined);
  const fired = events.find((e) => e.timerFiredEventAttributes && tsMs(e.eventTime!) >= deadline - 1000);
  const scheduled = events.find(
    (e) => Number(e.eventId) > Number(fired?.eventId ?? Infinity) && MESSAGE_ACTIVITIES.has(e.activityTaskScheduledEventAttributes?.activityType?.name ?? ''),
  );
  const started = events.find((e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId ?? '') === String(scheduled?.eventId ?? '-'));
  const completedId = String(scheduled?.activityTaskScheduledEventAttributes?.workflowTaskCompletedEventId ?? '-');
  const completed = events.find((e) => String(e.eventId) === completedId);
  const taskStarted = events.find((e) => String(e.eventId) === String(completed?.workflowTaskCompletedEventAttributes?.startedEventId ?? '-'));
  return {
    timerFired: ms(fired),
    taskStarted: ms(taskStarted),
    taskDone: ms(scheduled),
    activityStarted: ms(started),
    outcome: outcomeAt === undefined ? undefined : outcomeAt - deadline,
    arrived: arrivedAt === undefined ? undefined : arrivedAt - deadline,
  };
}

function tsMs(t: { seconds?: unknown; nanos?: number | null }): number {
  return Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}
