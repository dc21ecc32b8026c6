// live-delivery, facilitator no-show, under the time-skipping server at the SOP's real 15 minutes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { createActivities } from '../../activities/index.js';
import { TemplateCatalog } from '../../activities/email/templates.js';
import { createClients } from '../../src/worker.js';
import type { Directory } from '../../src/directory.js';
import { liveDelivery } from '../../workflows/live-delivery.js';
import { eventUpdate, stateQuery } from '../../workflows/kit/messages.js';
import { facilitatorNoShow, loadExampleDirectory } from '../helpers/fixtures.js';
import { startStandIns, type StandIns } from '../helpers/stand-ins.js';
import { bundleWorkflows, createTimeSkippingEnv, uniqueTaskQueue } from '../helpers/temporal.js';

const MIN = 60_000;
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let directory: Directory;
let standIns: StandIns;
let templates: TemplateCatalog;

beforeAll(async () => {
  [env, bundle, directory, templates] = await Promise.all([
    createTimeSkippingEnv(),
    bundleWorkflows(),
    loadExampleDirectory(),
    TemplateCatalog.load(),
  ]);
  standIns = await startStandIns(directory);
});

afterAll(async () => {
  await standIns?.close();
  await env?.teardown();
});

beforeEach(() => {
  standIns.slack.reset();
  standIns.outbox.clear();
});

async function withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = uniqueTaskQueue('live-delivery');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: createActivities({ ...createClients(standIns.providers), directory, templates }),
  });
  return worker.runUntil(fn(taskQueue));
}

const emails = () => standIns.outbox.list({ kind: 'email' });

describe('live-delivery: facilitator no-show', () => {
  it('closes as delivered when the facilitator arrives 14:59 after the start', async () => {
    await withWorker(async (taskQueue) => {
      const start = await env.currentTimeMs();
      const input = facilitatorNoShow(start);
      const handle = await env.client.workflow.start(liveDelivery, { taskQueue, workflowId: `ld-${input.booking.id}`, args: [input] });

      await env.sleep(14 * MIN + 59_000);
      const state = await handle.executeUpdate(eventUpdate, { args: [{ type: 'facilitator-arrived', actor: 'desk-agent' }] });
      expect(state.outcome).toBe('delivered');
      expect(state.status).toBe('delivered');

      const final = await handle.result();
      expect(final.outcome).toBe('delivered');
      expect(final.deadlines).toEqual([]);
      expect(emails()).toHaveLength(0);

      const posts = standIns.slack.messages('C0BOOKEMERG');
      expect(posts).toHaveLength(2);
      expect(posts[0]!.text).toContain('<@U0MORGAN01>');
      expect(posts[0]!.text).toContain('Leading Essentials');
      expect(posts[1]!.thread_ts).toBe(posts[0]!.ts);
      expect(posts[1]!.text).toContain('going ahead');
    });
  });

  it('cancels at exactly start + 15:00 and emails template 1 to the site contact, cc owner and team lead', async () => {
    await withWorker(async (taskQueue) => {
      const start = await env.currentTimeMs();
      const input = facilitatorNoShow(start);
      const handle = await env.client.workflow.start(liveDelivery, { taskQueue, workflowId: `ld-${input.booking.id}`, args: [input] });

      const opened = await handle.query(stateQuery);
      expect(opened.status).toBe('awaiting-facilitator');
      expect(opened.deadlines).toEqual([
        expect.objectContaining({ name: 'facilitator-cutoff', at: new Date(start + 15 * MIN).toISOString() }),
      ]);
      expect(opened.tasks.map((t) => t.id)).toEqual(['call-facilitator', 'dial-in']);

      const final = await handle.result();
      expect(final.outcome).toBe('cancelled-provider');
      expect(final.status).toBe('cancelled');
      // The timer fires at start + 15:00; the workflow task that records it runs moments later.
      const passed = final.timeline.find((e) => e.kind === 'deadline-passed')!;
      expect(Date.parse(passed.at)).toBeGreaterThanOrEqual(start + 15 * MIN);
      expect(Date.parse(passed.at)).toBeLessThan(start + 15 * MIN + 5_000);
      expect(final.tasks.find((t) => t.id === 'notify-participants')?.status).toBe('open');

      const [email] = emails();
      expect(emails()).toHaveLength(1);
      if (email?.kind !== 'email') throw new Error('expected an email');
      expect(email.to).toEqual([{ email: 'dana.client@example.org', name: 'Dana Client' }]);
      expect(email.cc.map((c) => c.email).sort()).toEqual(['morgan.owner@example.com', 'riley.lead@example.com']);
      expect(email.subject).toMatch(/^Today's \d{1,2}(:\d\d)? [AP]M CT Virtual Workout: Leading Essentials - Session unable to go ahead$/);
      expect(email.text).toContain('Alex Facilitator');
      expect(email.custom_args).toMatchObject({ escalation_id: handle.workflowId, template: 'facilitator-no-show' });

      const posts = standIns.slack.messages('C0BOOKEMERG');
      expect(posts.at(-1)!.thread_ts).toBe(posts[0]!.ts);
      expect(posts.at(-1)!.text).toContain('did not go ahead');
    });
  });

  it('arrival at exactly 15:00 is too late: the cutoff has fired and the event is rejected', async () => {
    await withWorker(async (taskQueue) => {
      const start = await env.currentTimeMs();
      const input = facilitatorNoShow(start);
      const handle = await env.client.workflow.start(liveDelivery, { taskQueue, workflowId: `ld-${input.booking.id}`, args: [input] });
      await env.sleep(15 * MIN);
      const result = await handle.executeUpdate(eventUpdate, { args: [{ type: 'facilitator-arrived' }] }).then(
        () => 'accepted',
        (err: unknown) => err,
      );
      if (result !== 'accepted') {
        // Either the validator rejected it, or the workflow had already completed.
        expect(result).toBeInstanceOf(Error);
      }
      const final = await handle.result();
      expect(final.outcome).toBe('cancelled-provider');
    });
  });

  it('cuts off at once when the session started 16 minutes before the escalation', async () => {
    await withWorker(async (taskQueue) => {
      const now = await env.currentTimeMs();
      const input = facilitatorNoShow(now - 16 * MIN);
      const handle = await env.client.workflow.start(liveDelivery, { taskQueue, workflowId: `ld-${input.booking.id}`, args: [input] });
      const final = await handle.result();
      expect(final.outcome).toBe('cancelled-provider');
      const passed = final.timeline.find((e) => e.kind === 'deadline-passed')!;
      // Decided without waiting: no 15-minute timer from the escalation's own start.
      expect(Date.parse(passed.at) - now).toBeLessThan(MIN);
      expect(emails()).toHaveLength(1);
    });
  });

  it('rejects a second arrival and anything after the outcome, changing nothing', async () => {
    await withWorker(async (taskQueue) => {
      const start = await env.currentTimeMs();
      const input = facilitatorNoShow(start + 5 * MIN);
      const handle = await env.client.workflow.start(liveDelivery, { taskQueue, workflowId: `ld-${input.booking.id}`, args: [input] });
      await handle.executeUpdate(eventUpdate, { args: [{ type: 'facilitator-arrived' }] });
      const again = await handle.executeUpdate(eventUpdate, { args: [{ type: 'facilitator-arrived' }] }).catch((e: unknown) => e);
      expect(again).toBeInstanceOf(WorkflowUpdateFailedError);
      const final = await handle.result();
      expect(final.timeline.filter((e) => e.kind === 'event:facilitator-arrived')).toHaveLength(1);
    });
  });

  it('records a Slack failure on the timeline and still emails the client', async () => {
    await withWorker(async (taskQueue) => {
      standIns.slack.failNext('chat.postMessage', { error: 'channel_not_found' }, 1);
      const start = await env.currentTimeMs();
      const input = facilitatorNoShow(start);
      const handle = await env.client.workflow.start(liveDelivery, { taskQueue, workflowId: `ld-${input.booking.id}`, args: [input] });
      const final = await handle.result();
      const failed = final.timeline.find((e) => e.kind === 'step-failed');
      expect(failed?.detail).toContain('channel_not_found');
      expect(standIns.slack.calls('chat.postMessage')).toHaveLength(1);
      expect(emails()).toHaveLength(1);
      expect(final.outcome).toBe('cancelled-provider');
    });
  });
});
