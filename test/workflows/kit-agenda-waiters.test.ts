// The agenda at a continue-as-new moment (a run whose history is long; account-escalation continues
// as new at 1,000 events) while an event waits for a due deadline: a worker down across the deadline
// gets the deadline's timer and the event in one workflow task. The loop fires the deadline; then,
// before patch 'agenda-lets-waiters-go', it went round again at once, forever in microtasks (the SDK
// checks a condition eagerly), so the event never went on; the worker thread's async-hook stack
// overflowed and took the whole worker process down, again at every retry. Now it waits for the
// event, then continues as new.
import { expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { eventUpdate } from '../../workflows/kit/messages.js';
import { patchesOf } from '../helpers/history.js';
import { bundleProbeWorkflows, updateAdmitted } from '../helpers/temporal.js';
import { workflowTestEnv } from '../helpers/workflow-env.js';
import { continueAsNewWaiterProbe } from './kit/probe-workflows.js';

const HOUR = 3_600_000;
const t = workflowTestEnv({ name: 'kit-agenda-waiters', bundle: bundleProbeWorkflows });

it('an event that waits for a due deadline in a long run is applied, then the run continues as new', async () => {
  await t.withRestartableWorker(async (taskQueue, worker) => {
    const start = await t.env.currentTimeMs();
    // Nine events: the history is short until the worker comes back to the deadline and the event.
    const h = await t.start(continueAsNewWaiterProbe, { taskQueue, workflowId: `${taskQueue}-probe`, args: [HOUR, 9] });
    await t.sleepUntil(start + HOUR - 5_000);
    expect((await h.fetchHistory()).events!.length).toBeLessThan(9);
    await worker.stop();
    // The deadline's pending task holds the server's clock to its real pace: the event comes a second after it.
    await t.sleepUntil(start + HOUR + 1_000);
    const updateId = 'note-after-the-deadline';
    const applied = h.executeUpdate(eventUpdate, { args: [{ type: 'note', actor: 'desk-agent' }], updateId });
    await updateAdmitted(t.env, h.workflowId, updateId);
    await worker.start();
    await applied;
    const first = t.env.client.workflow.getHandle(h.workflowId, h.firstExecutionRunId);
    const history = await first.fetchHistory();
    const closed = history.events!.at(-1)!;
    expect(closed.eventType).toBe(temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
    expect(history.events!.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
    expect(await patchesOf(first)).toContain('agenda-lets-waiters-go');
    // The event was applied (its update completed, not failed) in the run that received it, after the deadline fired.
    const events = history.events!;
    const completed = events.findIndex((e) => e.workflowExecutionUpdateCompletedEventAttributes);
    expect(events[completed]!.workflowExecutionUpdateCompletedEventAttributes!.outcome!.success).toBeTruthy();
    expect(events.findIndex((e) => e.timerFiredEventAttributes)).toBeLessThan(completed);
  });
});
