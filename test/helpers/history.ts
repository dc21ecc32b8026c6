// Reading a workflow's history in tests: when a deadline's timer was armed, for how long, when it
// fired, and what the workflow did when it fired, in the server's (skipped) time. A post's time at the
// stand-in, or a timeline entry written after an activity, also holds that activity's real latency
// (seconds on a loaded machine), which says nothing about the deadline.
import type { WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);

/** The Web UI summary the workflow gave a command (timer, activity). */
export function summaryOf(e: HistoryEvent): string | undefined {
  const data = e.userMetadata?.summary?.data;
  return data ? (JSON.parse(Buffer.from(data).toString('utf8')) as string) : undefined;
}

/** The history and the index of the ActivityTaskScheduled event of Slack post `step` (by the summary the kit gives it). */
async function scheduledPost(handle: WorkflowHandle, step: string): Promise<{ events: HistoryEvent[]; post: number }> {
  const events = (await handle.fetchHistory()).events ?? [];
  const post = events.findIndex((e) => e.activityTaskScheduledEventAttributes && summaryOf(e)?.startsWith(`Slack '${step}'`));
  if (post < 0) throw new Error(`no Slack post '${step}' in the history of ${handle.workflowId}`);
  return { events, post };
}

/** A timer of the history. */
export interface HistoryTimer {
  summary: string | undefined;
  durationMs: number;
  /** Workflow time (`Date.now()` in the workflow) of the task that started it: its WorkflowTaskStarted. */
  armedAtMs: number;
  /** When it fired (null: it did not). */
  firedAtMs: number | null;
}

function timerAt(events: HistoryEvent[], startedIndex: number): HistoryTimer {
  const started = events[startedIndex]!;
  const id = started.timerStartedEventAttributes!.timerId;
  // The task whose completion started it: the last WorkflowTaskStarted before it.
  const task = events.slice(0, startedIndex).findLast((e) => e.workflowTaskStartedEventAttributes)!;
  const fired = events.find((e) => e.timerFiredEventAttributes?.timerId === id);
  return {
    summary: summaryOf(started),
    durationMs: ms(started.timerStartedEventAttributes!.startToFireTimeout),
    armedAtMs: ms(task.eventTime),
    firedAtMs: fired ? ms(fired.eventTime) : null,
  };
}

/** The timers the workflow started whose summary starts with `prefix` (a deadline's description, a ladder's summary), in order. */
export async function timersNamed(handle: WorkflowHandle, prefix: string): Promise<HistoryTimer[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events.flatMap((e, i) => (e.timerStartedEventAttributes && summaryOf(e)?.startsWith(prefix) ? [timerAt(events, i)] : []));
}

/**
 * What set off the workflow's Slack post of `step` (its activity, by the summary the kit gives it):
 * the last timer that fired or update that reached the workflow before the post was scheduled. With
 * a timer, `timers` are all that fired in that batch (the same workflow activation), in history order:
 * two timers due at one instant (a deadline and a ladder's wait) come in one batch in either order.
 */
export async function triggerOfPost(
  handle: WorkflowHandle,
  step: string,
): Promise<{ timer: HistoryTimer; timers: HistoryTimer[] } | { update: string; acceptedAtMs: number }> {
  const { events, post } = await scheduledPost(handle, step);
  for (let i = post; i >= 0; i--) {
    const e = events[i]!;
    const fired = e.timerFiredEventAttributes;
    if (fired) {
      const timerOf = (f: HistoryEvent) => timerAt(events, events.findIndex((s) => s.timerStartedEventAttributes?.timerId === f.timerFiredEventAttributes!.timerId));
      const batch: HistoryEvent[] = [];
      for (let j = i; j >= 0 && !events[j]!.workflowTaskCompletedEventAttributes; j--) if (events[j]!.timerFiredEventAttributes) batch.unshift(events[j]!);
      return { timer: timerOf(e), timers: batch.map(timerOf) };
    }
    const accepted = e.workflowExecutionUpdateAcceptedEventAttributes;
    if (accepted) return { update: accepted.acceptedRequest?.input?.name ?? '', acceptedAtMs: ms(e.eventTime) };
    if (e.workflowExecutionSignaledEventAttributes) throw new Error(`a signal set off the post '${step}'`);
  }
  throw new Error(`nothing set off the post '${step}'`);
}

/**
 * The workflow task that scheduled the Slack post of `step` (the event id the server gives for it:
 * WorkflowTaskCompleted, or WorkflowTaskStarted on the time-skipping server): two posts with the
 * same one went out together, neither waiting for the other's activity.
 */
export async function taskOfPost(handle: WorkflowHandle, step: string): Promise<number> {
  const { events, post } = await scheduledPost(handle, step);
  return Number(events[post]!.activityTaskScheduledEventAttributes!.workflowTaskCompletedEventId);
}

/**
 * What woke the workflow for the task that scheduled Slack post `step`: the summaries of the timers
 * that fired and how many activities completed in its batch (the events since the task before it).
 * A post that waited for another activity shows it here.
 */
export async function wokenFor(handle: WorkflowHandle, step: string): Promise<{ timers: string[]; activitiesCompleted: number }> {
  const { events, post } = await scheduledPost(handle, step);
  const index = (id: unknown) => events.findIndex((e) => String(e.eventId) === String(id));
  // The dev server names the task's WorkflowTaskCompleted event; the time-skipping server its WorkflowTaskStarted.
  const ref = index(events[post]!.activityTaskScheduledEventAttributes!.workflowTaskCompletedEventId);
  const started = events[ref]!.workflowTaskStartedEventAttributes ? ref : index(events[ref]!.workflowTaskCompletedEventAttributes!.startedEventId);
  let from = started;
  while (from > 0 && !events[from - 1]!.workflowTaskCompletedEventAttributes) from--;
  const batch = events.slice(from, started);
  const timerSummary = (id: unknown) => summaryOf(events.find((e) => e.timerStartedEventAttributes?.timerId === id)!) ?? '';
  return {
    timers: batch.filter((e) => e.timerFiredEventAttributes).map((e) => timerSummary(e.timerFiredEventAttributes!.timerId)),
    activitiesCompleted: batch.filter((e) => e.activityTaskCompletedEventAttributes || e.activityTaskFailedEventAttributes).length,
  };
}

/**
 * For each timer that fired, by its summary: the index (0, 1, ...) of the workflow activation that
 * gave it to the workflow, counting the completed workflow tasks. Two timers in one activation
 * resolve before any of the workflow's code runs after either; two in different activations do not.
 * The time-skipping server hands each due timer to a pool of threads, so two timers a few
 * milliseconds apart may be recorded, and delivered, in either order.
 */
export async function activationOfTimers(handle: WorkflowHandle): Promise<Map<string, number>> {
  const events = (await handle.fetchHistory()).events ?? [];
  // A task's outcome is the next of these after its WorkflowTaskStarted (the time-skipping server
  // leaves WorkflowTaskCompleted's startedEventId unset): a task that failed or timed out is run again.
  const outcome = (i: number) =>
    events.slice(i + 1).find((e) => e.workflowTaskCompletedEventAttributes || e.workflowTaskFailedEventAttributes || e.workflowTaskTimedOutEventAttributes);
  const activations = events.flatMap((e, i) => (e.workflowTaskStartedEventAttributes && outcome(i)?.workflowTaskCompletedEventAttributes ? [i] : []));
  const summaryOfTimer = (id: unknown) => summaryOf(events.find((e) => e.timerStartedEventAttributes?.timerId === id)!) ?? String(id);
  const seen = new Map<string, number>();
  for (const [i, e] of events.entries()) {
    const fired = e.timerFiredEventAttributes;
    const activation = activations.findIndex((started) => started > i);
    if (fired && activation >= 0) seen.set(summaryOfTimer(fired.timerId), activation);
  }
  return seen;
}

/** The patch ids the workflow recorded (`patched()` markers), in order. */
export async function patchesOf(handle: WorkflowHandle): Promise<string[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events.flatMap((e) => {
    const marker = e.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_patch' ? marker.details?.['patch-data']?.payloads?.[0]?.data : undefined;
    return data ? [(JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id] : [];
  });
}
