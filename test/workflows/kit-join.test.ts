// The kit's start-or-join: requests arrive through the `join` update, the first with the workflow's
// start (update-with-start, conflict policy USE_EXISTING, as the API sends them); a request retried
// with its update id applies once; the validator refuses what the playbook refuses; nothing joins
// once the escalation has its outcome.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { EVENT_NOT_APPLICABLE, EVENT_OUT_OF_ORDER, joinMessage } from '../../workflows/kit/messages.js';
import { bundleProbeWorkflows, createTimeSkippingEnv, uniqueTaskQueue } from '../helpers/temporal.js';
import { joinProbe } from './kit/probe-workflows.js';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
const join = joinMessage<{ n: number }, { count: number }>();

beforeAll(async () => {
  [env, bundle] = await Promise.all([
    createTimeSkippingEnv(),
    bundleProbeWorkflows(),
  ]);
});

afterAll(async () => {
  await env?.teardown();
});

const failureType = (err: unknown) => (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure ? err.cause.type : String(err));

describe('the join update', () => {
  it('the first request opens, the next join; a retry with the same update id applies once; refusals change nothing', async () => {
    const taskQueue = uniqueTaskQueue('kit-join');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle });
    await worker.runUntil(async () => {
      const h = await env.client.workflow.start(joinProbe, { taskQueue, workflowId: `kit-join-${Date.now()}`, args: [{ closeAfter: 3 }] });
      const request = (n: number, updateId?: string) =>
        h.executeUpdate(join, { args: [{ input: { n }, receivedAt: new Date(0).toISOString() }], ...(updateId && { updateId }) });
      expect(await request(1, 'r-1')).toMatchObject({ escalationId: h.workflowId, opened: true, status: 'open', open: true, result: { count: 1 } });
      expect(await request(1, 'r-1')).toMatchObject({ opened: true, result: { count: 1 } });
      expect(failureType(await request(-1).catch((e: unknown) => e))).toBe(EVENT_NOT_APPLICABLE);
      expect(await request(2)).toMatchObject({ opened: false, result: { count: 2 } });
      expect(await request(3)).toMatchObject({ opened: false, status: 'done', open: false, result: { count: 3 } });
      expect(failureType(await request(4).catch((e: unknown) => e))).toBe(EVENT_OUT_OF_ORDER);
      const final = await h.result();
      expect((final.details as { requests: { n: number }[] }).requests.map((r) => r.n)).toEqual([1, 2, 3]);
    });
  });

  it('update-with-start (USE_EXISTING): concurrent first requests make one workflow', async () => {
    const taskQueue = uniqueTaskQueue('kit-join-uws');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle });
    await worker.runUntil(async () => {
      const workflowId = `kit-join-uws-${Date.now()}`;
      const send = (n: number) =>
        env.client.workflow.executeUpdateWithStart(join, {
          args: [{ input: { n }, receivedAt: new Date(0).toISOString() }],
          startWorkflowOperation: new WithStartWorkflowOperation(joinProbe, {
            workflowId,
            taskQueue,
            args: [{ closeAfter: 100 }],
            workflowIdConflictPolicy: 'USE_EXISTING',
          }),
        });
      const answers = await Promise.all([1, 2, 3, 4, 5].map(send));
      expect(answers.filter((a) => a.opened)).toHaveLength(1);
      expect(answers.map((a) => a.result.count).sort()).toEqual([1, 2, 3, 4, 5]);
      await env.client.workflow.getHandle(workflowId).terminate('test finished');
    });
  });
});
