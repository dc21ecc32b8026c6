// What every account-escalation workflow test file needs: the workflow-test environment (one
// time-skipping server per test, the stand-ins, a worker per test with the real activities), a
// start as the API makes it, and readers for what the escalation sent where.
import type { WorkflowHandle } from '@temporalio/client';
import playbook from '../../workflows/account-escalation/definition.js';
import type { AccountEscalationInput } from '../../workflows/account-escalation/contract.js';
import type { SlackOutboxRecord } from '../../src/stand-ins/outbox.js';
import { accountEscalation } from '../../workflows/account-escalation/workflow.js';
import type { WeeklyTime } from '../../workflows/kit/calendar.js';
import { eventUpdate, stateQuery } from '../../workflows/kit/messages.js';
import { playbookKey, statusKey } from '../../workflows/kit/search-attributes.js';
import type { EscalationEvent } from '../../workflows/kit/state.js';
import type { StandIns } from './stand-ins.js';
import { extendTestEnv, workflowTestEnv, type WorkflowTestEnv } from './workflow-env.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** The shared environment (env, standIns, directory, sleepUntil, ...) with account-escalation's worker options and start. */
export interface AccountEscalationTestEnv extends Omit<WorkflowTestEnv, 'withWorker' | 'start'> {
  /** Runs `fn` with a worker on a fresh task queue (or `taskQueue`); the finance meeting defaults to Tuesdays 15:00 Berlin. */
  withWorker<T>(fn: (taskQueue: string) => Promise<T>, opts?: { financeMeeting?: WeeklyTime; taskQueue?: string }): Promise<T>;
  start(taskQueue: string, input: AccountEscalationInput): Promise<WorkflowHandle<typeof accountEscalation>>;
}

/** The escalations the running test started (for `settle`; terminated when the test ends). */
let running: () => readonly WorkflowHandle[] = () => [];

/** Registers the hooks; the returned object is filled in by them. */
export function accountEscalationTestEnv(): AccountEscalationTestEnv {
  const base = workflowTestEnv({ name: 'account-escalation' });
  running = base.running;
  return extendTestEnv<AccountEscalationTestEnv>(base, {
    withWorker: (fn, { financeMeeting, taskQueue } = {}) =>
      base.withWorker(fn, { ...(taskQueue && { taskQueue }), ...(financeMeeting && { deps: { financeMeeting } }) }),
    start: (taskQueue, input) =>
      base.start(accountEscalation, {
        taskQueue,
        workflowId: `account-escalation:${playbook.businessKey(input as never)}`,
        args: [input],
        memo: { playbook: 'account-escalation' },
        typedSearchAttributes: [
          { key: playbookKey, value: 'account-escalation' },
          { key: statusKey, value: 'opened' },
        ],
      }),
  });
}

/** Delivers the event (the update answers compactly) and reads the state after it, as the API does. */
export const send = async (handle: WorkflowHandle, event: EscalationEvent) => {
  await handle.executeUpdate(eventUpdate, { args: [event] });
  return handle.query(stateQuery);
};
export const state = (handle: WorkflowHandle) => handle.query(stateQuery);

export { slackPosts, slackSteps } from './stand-ins.js';

/**
 * How far the worker got with the test's escalations: their summed history length (grows with every
 * step) and whether the worker owes one of them something: an activity running (it adds its events
 * only when it ends) or a workflow task not completed yet (its events are written when it completes,
 * and an escalation's opening task took over 10 s on a worker starved of CPU; the time-skipping server
 * leaves describe's `pendingWorkflowTask` empty, so the history's last event tells).
 */
async function progress(): Promise<{ events: number; busy: boolean }> {
  let events = 0;
  let busy = false;
  for (const handle of running()) {
    const d = await handle.describe().catch(() => undefined);
    if (!d) continue;
    events += d.historyLength;
    busy ||= (d.raw.pendingActivities?.length ?? 0) > 0;
  }
  return { events, busy };
}

/** Whether a workflow task of one of the test's running escalations waits for the worker or is being worked on. */
async function workflowTaskOutstanding(): Promise<boolean> {
  for (const handle of running()) {
    const history = await handle.fetchHistory().catch(() => undefined);
    const last = history?.events?.at(-1);
    if (last?.workflowTaskScheduledEventAttributes != null || last?.workflowTaskStartedEventAttributes != null) return true;
  }
  return false;
}

/**
 * Waits (in real time) for the worker to finish what the last event or timer queued. Fails when the
 * condition is still false after `stallMs` without progress (no new history event on any of the
 * test's escalations, no activity running and no workflow task waiting for the worker): a machine
 * under load makes the worker slow, not stuck, so the budget counts
 * from the last step the worker took, not from the call (a fixed 10 s from the call failed the first
 * finance test whenever the first workflow task alone took 5 s).
 *
 * Progress is read at least once a second and always just before a stall is declared. A check is
 * usually a query, which the worker answers only after the workflow task in flight (and, with no
 * workflow cache, after replaying the history): on a starved worker one check took over 10 s while
 * the opening task ran, and reading progress only every fifth check then called that a stall.
 */
export async function settle(check: () => boolean | Promise<boolean>, stallMs = 10_000): Promise<void> {
  let seen = (await progress()).events;
  let stalledSince = Date.now();
  let readAt = Date.now();
  while (!(await check())) {
    if (Date.now() - readAt >= 1_000 || Date.now() - stalledSince > stallMs) {
      const now = await progress();
      // The history is read only while nothing else moved: it is the one way to see a task in flight.
      if (now.events !== seen || now.busy || (await workflowTaskOutstanding())) {
        seen = now.events;
        stalledSince = Date.now();
      }
      readAt = Date.now();
      if (Date.now() - stalledSince > stallMs) throw new Error(`settle: condition not met, and no escalation of the test moved for ${stallMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
