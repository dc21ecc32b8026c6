// What every client-call workflow test file needs: the workflow-test environment (a time-skipping
// server per test, the stand-ins, a worker per test with the real activities and a directory of
// the test's choosing: people on vacation or away), a start as the API makes it, an example input,
// and readers for what went where.
import type { WorkflowHandle } from '@temporalio/client';
import type { Directory } from '../../src/directory.js';
import type { EmailOutboxRecord } from '../../src/stand-ins/outbox.js';
import playbook from '../../workflows/client-call/definition.js';
import type { ClientCallInput, ClientCallState } from '../../workflows/client-call/contract.js';
import { clientCall } from '../../workflows/client-call/workflow.js';
import { eventUpdate, stateQuery } from '../../workflows/kit/messages.js';
import { playbookKey, statusKey } from '../../workflows/kit/search-attributes.js';
import type { EscalationEvent } from '../../workflows/kit/state.js';
import type { StandIns } from './stand-ins.js';
import { eventually } from './wait.js';
import { extendTestEnv, workflowTestEnv, type WorkflowTestEnv } from './workflow-env.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export { clientCallInput } from './client-call-fixtures.js';

/** The shared environment (env, standIns, worker, sleepUntil, ...) with client-call's start. */
export interface ClientCallTestEnv extends Omit<WorkflowTestEnv, 'start' | 'directoryWith'> {
  start(taskQueue: string, input: ClientCallInput): Promise<WorkflowHandle<typeof clientCall>>;
  /** The example directory with `changes` to some people (e.g. a vacation, `away`). */
  directoryWith(changes: Record<string, Record<string, unknown>>): Directory;
}

/** Registers the hooks; the returned object is filled in by them. */
export function clientCallTestEnv(): ClientCallTestEnv {
  // One time-skipping server per test (as live-delivery's and tech-incident's): under load a test's
  // escalation, terminated with a workflow task in flight ("Task not found when completing"), held
  // the shared server's clock, and the next test's first env.sleep ran in real time until it timed out.
  const base = workflowTestEnv({ name: 'client-call' });
  return extendTestEnv<ClientCallTestEnv>(base, {
    start: (taskQueue, input) =>
      base.start(clientCall, {
        taskQueue,
        workflowId: `client-call:${playbook.businessKey(input)}`,
        args: [input],
        memo: { playbook: 'client-call' },
        typedSearchAttributes: [{ key: playbookKey, value: 'client-call' }, { key: statusKey, value: 'opened' }, ...(playbook.searchAttributes?.(input) ?? [])],
        staticSummary: playbook.summary(input),
      }),
    directoryWith: (people) => base.directoryWith({ people }),
  });
}

export type State = ClientCallState;

/** Delivers the event (the update answers compactly) and reads the state after it, as the API does. */
export const send = async (handle: WorkflowHandle, event: EscalationEvent): Promise<State> => {
  await handle.executeUpdate(eventUpdate, { args: [event] });
  return (await handle.query(stateQuery)) as State;
};
export const state = async (handle: WorkflowHandle): Promise<State> => (await handle.query(stateQuery)) as State;

export { slackPosts, slackSteps } from './stand-ins.js';
export const emails = (standIns: StandIns, escalationId: string): EmailOutboxRecord[] => standIns.outbox.list({ kind: 'email', escalationId }).reverse();

/** Waits (in real time) for the worker to finish what the last event or timer set going. */
export async function settle(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  await eventually(check, (done) => done, 'settle: the condition', timeoutMs);
}
