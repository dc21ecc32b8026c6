// A timer that fires a moment after the workflow task that no longer needs it has started: that task
// must not cancel it. The time-skipping server refuses a task completion that cancels a timer which
// fired during the task (temporalio/sdk-java#2606): the escalation stopped, and, holding the server's
// clock, so did every test after it (client-call-updates under load). Two kinds, both in the kit:
// a ladder's `condition` with a timeout whose acknowledgement comes just before the timeout, and an
// agenda deadline moved just before its instant. Since patch 'kit-timers-near-fire' (kit/timers.ts)
// a timer due within the margin is left to fire. The server's clock stops at an instant while a task
// runs and then moves at its real pace, so a lead of a few milliseconds puts the second timer's fire
// inside the first one's task; several leads, several escalations at once, at real durations.
import { describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { EscalationState } from '../../workflows/kit/state.js';
import { activationOfTimers } from '../helpers/history.js';
import { bundleProbeWorkflows, resultWithoutSkipping } from '../helpers/temporal.js';
import { workflowTestEnv } from '../helpers/workflow-env.js';
import { nearTimeoutAckProbe, sameInstantProbe } from './kit/probe-workflows.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Leads (ms) of the first timer over the second: some fall inside the first one's workflow task. */
const LEADS = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89];
/**
 * The ladder's probes also get acknowledgements after the timeout (negative leads): a moment after,
 * acknowledged when one activation holds both, exhausted when not; half a minute after, exhausted
 * (the server's clock moves at its real pace while the timeout's workflow task is outstanding), and
 * still well before the probe's last timer, a minute after the ladder ended.
 */
const ACK_LEADS = [...LEADS, -1, -MIN / 2];
const t = workflowTestEnv({ name: 'kit-near-timers', bundle: bundleProbeWorkflows });

/** The result, or a failure naming the workflow when it does not close (its task completion refused). */
async function closes<T>(h: WorkflowHandle): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${h.workflowId} did not close: a workflow task completion was refused?`)), 20_000);
  });
  try {
    return await Promise.race([resultWithoutSkipping<T>(t.env, h.workflowId), stuck]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * No timer due within 30 s (the margin) of its cancellation was cancelled, and no workflow task
 * failed but for the ordinary one: a task that closes the workflow while the timer left to fire has
 * fired is answered "unhandled command" and runs again.
 */
async function noNearTimerCancelled(h: WorkflowHandle): Promise<void> {
  const events = (await h.fetchHistory()).events!;
  const causes = events.flatMap((e) => (e.workflowTaskFailedEventAttributes ? [e.workflowTaskFailedEventAttributes.cause] : []));
  expect(causes.filter((c) => c !== temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND)).toEqual([]);
  const started = new Map<string, number>();
  for (const e of events) {
    const time = Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);
    const t = e.timerStartedEventAttributes;
    if (t) started.set(t.timerId!, time + Number(t.startToFireTimeout!.seconds) * 1000 + Math.floor((t.startToFireTimeout!.nanos ?? 0) / 1e6));
    const c = e.timerCanceledEventAttributes;
    if (c) expect(started.get(c.timerId!)! - time).toBeGreaterThan(30_000);
  }
}

describe('kit timers: a timer that fires while the task that no longer needs it runs is left to fire', () => {
  it('a ladder acknowledged milliseconds before its timeout ends acknowledged (after: exhausted); its timer is not cancelled', async () => {
    await t.withWorker(async (taskQueue) => {
      const start = await t.env.currentTimeMs();
      const handles = await Promise.all(
        ACK_LEADS.map((lead) => t.start(nearTimeoutAckProbe, { taskQueue, workflowId: `${taskQueue}-${lead}`, args: [30 * MIN, lead] })),
      );
      try {
        await t.env.sleep(start + 32 * MIN - (await t.env.currentTimeMs()));
        const outcomes: string[] = [];
        for (const [i, h] of handles.entries()) {
          const final = await closes<EscalationState>(h);
          // The ladder decides on what its activations gave it: the acknowledgement first, or both in one
          // activation, acknowledged; the timeout in an activation before the acknowledgement's,
          // exhausted. The time-skipping server may record two timers milliseconds apart in either order
          // (a pool of threads fires them): even a lead of 1 ms was out of order once in ten runs on a
          // quiet machine. The real server fires a workflow's timers in the order of their instants.
          const activation = await activationOfTimers(h);
          const outcome = activation.get('Acknowledgement from the desk')! < activation.get('acknowledge')! ? 'exhausted' : 'acknowledged';
          outcomes.push(outcome);
          expect(final.details, `lead ${ACK_LEADS[i]} ms (${h.workflowId})`).toMatchObject({ acknowledged: true, result: { outcome, attempts: 1 } });
          // Acknowledged in the activation of the timeout: the timeline does not say it went unanswered.
          const unanswered = final.timeline.filter((e) => e.kind === 'ladder-unanswered');
          expect(unanswered, `lead ${ACK_LEADS[i]} ms (${h.workflowId})`).toHaveLength(outcome === 'exhausted' ? 1 : 0);
          await noNearTimerCancelled(h);
        }
        // Both ways were taken: out of order is the rare case (the acknowledgement's thread held up for longer than its lead).
        expect(outcomes).toContain('acknowledged');
        expect(outcomes).toContain('exhausted');
      } finally {
        for (const h of handles) await h.terminate('test finished').catch(() => undefined);
      }
    });
  });

  it('an agenda deadline moved milliseconds before its instant comes at its new instant', async () => {
    await t.withWorker(async (taskQueue) => {
      const start = await t.env.currentTimeMs();
      const handles = await Promise.all(
        LEADS.map((lead) => t.start(sameInstantProbe, { taskQueue, workflowId: `${taskQueue}-${lead}`, args: [2 * HOUR, 30 * MIN, 2 * HOUR + lead] })),
      );
      try {
        await t.env.sleep(start + 2 * HOUR + 31 * MIN - (await t.env.currentTimeMs()));
        for (const h of handles) {
          const final = await closes<EscalationState<string, { fired: Record<string, string> }>>(h);
          expect(final.outcome).toBe('done');
          expect(Date.parse(final.details.fired.second!) - Date.parse(final.details.fired.first!)).toBeGreaterThanOrEqual(30 * MIN);
          await noNearTimerCancelled(h);
        }
      } finally {
        for (const h of handles) await h.terminate('test finished').catch(() => undefined);
      }
    });
  });
});
