// The agenda's timers when two deadlines share an instant and the first one's handler moves the
// second (client-call, not critical: take-by and update-due both at 2 hours). The second deadline's
// timer has fired by then, maybe while that very workflow task runs; cancelling it raced its
// TimerFired, and the time-skipping server refuses such a task completion for good ("invalid history
// builder state for action", temporalio/sdk-java#2606): the escalation stopped and, holding the
// server's clock, stopped every test after it. Since patch 'agenda-due-timers-fire' a due timer is
// never cancelled. Under the time-skipping server at real durations; several escalations at once,
// so that some of the second timers do fire during the first one's task.
import { describe, expect, it } from 'vitest';
import type { EscalationState } from '../../workflows/kit/state.js';
import { bundleProbeWorkflows, resultWithoutSkipping } from '../helpers/temporal.js';
import { workflowTestEnv } from '../helpers/workflow-env.js';
import { sameInstantProbe } from './kit/probe-workflows.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const t = workflowTestEnv({ name: 'kit-agenda-timers', bundle: bundleProbeWorkflows });

type ProbeState = EscalationState<string, { fired: Record<string, string> }>;

describe('agenda: two deadlines at one instant, the first moves the second', () => {
  it('the second comes at its new instant; no escalation stops, and no timer is cancelled once its instant has come', async () => {
    await t.withWorker(async (taskQueue) => {
      const start = await t.env.currentTimeMs();
      const handles = await Promise.all(
        Array.from({ length: 8 }, (_, i) => t.start(sameInstantProbe, { taskQueue, workflowId: `${taskQueue}-${i}`, args: [2 * HOUR, 30 * MIN] })),
      );
      try {
        // The clock moves to just after the second deadline's new instant and stays there (no result() skipping on).
        await t.env.sleep(start + 2 * HOUR + 31 * MIN - (await t.env.currentTimeMs()));
        for (const h of handles) {
          const final = await resultWithoutSkipping<ProbeState>(t.env, h.workflowId);
          const started = (await h.describe()).startTime.getTime();
          expect(final.outcome).toBe('done');
          expect(Date.parse(final.details.fired.first!) - (started + 2 * HOUR)).toBeGreaterThanOrEqual(0);
          expect(Date.parse(final.details.fired.first!) - (started + 2 * HOUR)).toBeLessThan(MIN);
          expect(Date.parse(final.details.fired.second!) - Date.parse(final.details.fired.first!)).toBeGreaterThanOrEqual(30 * MIN);
          expect(Date.parse(final.details.fired.second!) - Date.parse(final.details.fired.first!)).toBeLessThan(31 * MIN);

          // The history: both 2-hour timers fired, none was cancelled, no workflow task failed.
          const events = (await h.fetchHistory()).events!;
          const started2h = events.filter((e) => e.timerStartedEventAttributes && Number(e.timerStartedEventAttributes.startToFireTimeout!.seconds) >= 2 * 3600 - 5);
          expect(started2h).toHaveLength(2);
          const firedIds = new Set(events.flatMap((e) => (e.timerFiredEventAttributes ? [e.timerFiredEventAttributes.timerId] : [])));
          for (const e of started2h) expect(firedIds.has(e.timerStartedEventAttributes!.timerId)).toBe(true);
          expect(events.some((e) => e.timerCanceledEventAttributes)).toBe(false);
          expect(events.some((e) => e.workflowTaskFailedEventAttributes)).toBe(false);
        }
      } finally {
        for (const h of handles) await h.terminate('test finished').catch(() => undefined);
      }
    });
  });
});
