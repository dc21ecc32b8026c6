// What every account-escalation workflow test file needs: one time-skipping environment, the bundle,
// the stand-ins (Slack, SendGrid, case target), a worker per test with the real activities, and
// readers for what the escalation sent where.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import { TemplateCatalog } from '../../activities/email/templates.js';
import type { Directory } from '../../src/directory.js';
import playbook from '../../workflows/account-escalation/definition.js';
import type { AccountEscalationInput } from '../../workflows/account-escalation/contract.js';
import type { SlackOutboxRecord } from '../../src/stand-ins/outbox.js';
import { createClients } from '../../src/worker.js';
import { accountEscalation } from '../../workflows/account-escalation/workflow.js';
import type { WeeklyTime } from '../../workflows/kit/calendar.js';
import { eventUpdate, stateQuery } from '../../workflows/kit/messages.js';
import { playbookKey, statusKey } from '../../workflows/kit/search-attributes.js';
import type { EscalationEvent } from '../../workflows/kit/state.js';
import { loadExampleDirectory } from './fixtures.js';
import { startStandIns, type StandIns } from './stand-ins.js';
import { bundleWorkflows, createTimeSkippingEnv, uniqueTaskQueue } from './temporal.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export interface AccountEscalationTestEnv {
  env: TestWorkflowEnvironment;
  standIns: StandIns;
  directory: Directory;
  /** Runs `fn` with a worker on a fresh task queue (or `taskQueue`); the finance meeting defaults to Tuesdays 15:00 Berlin. */
  withWorker<T>(fn: (taskQueue: string) => Promise<T>, opts?: { financeMeeting?: WeeklyTime; taskQueue?: string }): Promise<T>;
  start(taskQueue: string, input: AccountEscalationInput): Promise<WorkflowHandle<typeof accountEscalation>>;
  /** Moves the test server's clock to `ms` (no-op if already past). */
  sleepUntil(ms: number): Promise<void>;
}

/** Registers the hooks; the returned object is filled in by beforeAll. */
export function accountEscalationTestEnv(): AccountEscalationTestEnv {
  let bundle: WorkflowBundleWithSourceMap;
  let templates: TemplateCatalog;
  const t = {} as AccountEscalationTestEnv;

  beforeAll(async () => {
    [t.env, bundle, t.directory, templates] = await Promise.all([
      createTimeSkippingEnv(),
      bundleWorkflows(),
      loadExampleDirectory(),
      TemplateCatalog.load(),
    ]);
    t.standIns = await startStandIns(t.directory);
  });

  afterAll(async () => {
    await t.standIns?.close();
    await t.env?.teardown();
  });

  beforeEach(() => {
    t.standIns.slack.reset();
    t.standIns.outbox.clear();
    t.standIns.cases.reset();
  });

  t.withWorker = async (fn, opts = {}) => {
    const taskQueue = opts.taskQueue ?? uniqueTaskQueue('account-escalation');
    const worker = await Worker.create({
      connection: t.env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: createActivities({
        ...createClients(t.standIns.providers),
        caseTarget: t.standIns.providers.caseTarget,
        ...(opts.financeMeeting && { financeMeeting: opts.financeMeeting }),
        directory: t.directory,
        templates,
      }),
    });
    try {
      return await worker.runUntil(fn(taskQueue));
    } finally {
      // A failed test must not leave an escalation behind: with nobody polling its task queue its
      // workflow tasks stay pending, which stops time skipping for every later test in the file.
      for (const handle of started.splice(0)) {
        await handle.terminate('test finished').catch(() => undefined);
      }
    }
  };

  const started: WorkflowHandle[] = [];
  t.start = async (taskQueue, input) => {
    const handle = await t.env.client.workflow.start(accountEscalation, {
      taskQueue,
      workflowId: `account-escalation:${playbook.businessKey(input as never)}`,
      args: [input],
      memo: { playbook: 'account-escalation' },
      typedSearchAttributes: [
        { key: playbookKey, value: 'account-escalation' },
        { key: statusKey, value: 'opened' },
      ],
    });
    started.push(handle);
    return handle;
  };

  t.sleepUntil = async (ms) => {
    const now = await t.env.currentTimeMs();
    if (ms > now) await t.env.sleep(ms - now);
  };

  return t;
}

/** Delivers the event (the update answers compactly) and reads the state after it, as the API does. */
export const send = async (handle: WorkflowHandle, event: EscalationEvent) => {
  await handle.executeUpdate(eventUpdate, { args: [event] });
  return handle.query(stateQuery);
};
export const state = (handle: WorkflowHandle) => handle.query(stateQuery);

/** Slack posts of one escalation, oldest first, with the step each came from. */
export function slackPosts(standIns: StandIns, escalationId: string): (SlackOutboxRecord & { step: string })[] {
  return standIns.outbox
    .list({ kind: 'slack', escalationId })
    .reverse()
    .map((r) => ({ ...r, step: String(r.metadata?.event_payload.step ?? '') }));
}

/** The steps of the escalation's Slack posts, oldest first. */
export const slackSteps = (standIns: StandIns, escalationId: string) => slackPosts(standIns, escalationId).map((p) => p.step);

/** Waits (in real time) for the worker to finish what the last event queued. */
export async function settle(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('settle: condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
