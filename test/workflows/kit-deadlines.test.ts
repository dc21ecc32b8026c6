// A deadline that has passed wins, whatever the worker's latency (issue 17 item 1), for every
// playbook: the kit's event validator and agenda, on a real dev server in real time, with the worker
// stopped across the deadline and started again after it, so the timer and the late event reach the
// workflow in one workflow task (the SDK hands the update to the validator before the timer's
// handler runs). Events are judged at the instant the API received them (`receivedAt`, stamped
// here as the API does), on both sides of the deadline's instant; one without the stamp (a recorded
// history, an old client of the update) at the workflow's time. The probe's deadlines are seconds, not an SOP's minutes: what is tested is the kit,
// and the time-skipping server cannot run this race (README, Tests).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { TemplateCatalog } from '../../activities/email/templates.js';
import type { Directory } from '../../src/directory.js';
import { EVENT_OUT_OF_ORDER, eventUpdate, stateQuery } from '../../workflows/kit/messages.js';
import type { EscalationState } from '../../workflows/kit/state.js';
import { loadExampleDirectory } from '../helpers/fixtures.js';
import { standInActivities, startStandIns, type StandIns } from '../helpers/stand-ins.js';
import { bundleProbeWorkflows, startLocalTemporal, uniqueTaskQueue } from '../helpers/temporal.js';
import { deadlineProbe } from './kit/probe-workflows.js';

let temporal: Awaited<ReturnType<typeof startLocalTemporal>>;
let bundle: WorkflowBundleWithSourceMap;
let directory: Directory;
let standIns: StandIns;
let templates: TemplateCatalog;

beforeAll(async () => {
  [temporal, bundle, directory, templates] = await Promise.all([
    startLocalTemporal(),
    bundleProbeWorkflows(),
    loadExampleDirectory(),
    TemplateCatalog.load(),
  ]);
  standIns = await startStandIns(directory);
});

afterAll(async () => {
  await standIns?.close();
  await temporal?.stop();
});

type ProbeState = EscalationState<string, { reminded: boolean; notesAfterReminder: boolean[]; noteInstants: string[] }>;

/** A worker that can be stopped and started again on one task queue. */
function workers(taskQueue: string) {
  let running: { worker: Worker; done: Promise<void> } | undefined;
  return {
    async start() {
      const worker = await Worker.create({ connection: temporal.nativeConnection, taskQueue, workflowBundle: bundle, activities: standInActivities(standIns, directory, templates) });
      running = { worker, done: worker.run() };
    },
    async stop() {
      if (!running) return;
      running.worker.shutdown();
      await running.done;
      running = undefined;
    },
  };
}

// Timers may fire a millisecond early: loop until the instant has come.
const sleepUntil = async (ms: number) => {
  while (Date.now() < ms) await new Promise((r) => setTimeout(r, ms - Date.now()));
};
/** Stamped as the API stamps it: the instant it received the event. */
const received = () => new Date().toISOString();
const failureOf = async (p: Promise<unknown>) => {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
};

/** Starts the probe and waits until its first workflow task ran (the query answers); the deadlines count from the workflow's start. */
async function startProbe(taskQueue: string, reminderAfterMs: number, cutoffAfterMs: number) {
  const handle = await temporal.client.workflow.start(deadlineProbe, { taskQueue, workflowId: `${taskQueue}-probe`, args: [reminderAfterMs, cutoffAfterMs] });
  await handle.query(stateQuery);
  const started = (await handle.describe()).startTime.getTime();
  return { handle: handle as WorkflowHandle<typeof deadlineProbe>, started };
}

describe('a deadline that has passed wins, whatever the worker latency', () => {
  it('an event the deadline closes, received 2 s after it while no worker runs, is refused (409 naming it) and the deadline decides', async () => {
    const taskQueue = uniqueTaskQueue('kit-deadlines');
    const w = workers(taskQueue);
    await w.start();
    const { handle, started } = await startProbe(taskQueue, 60 * 60_000, 12_000);
    await w.stop();
    await sleepUntil(started + 14_000);
    const late = handle.executeUpdate(eventUpdate, { args: [{ type: 'arrived', actor: 'desk-agent', receivedAt: received() }] });
    await sleepUntil(started + 15_000);
    await w.start();
    try {
      const cause = await failureOf(late);
      expect(cause.type).toBe(EVENT_OUT_OF_ORDER);
      expect(cause.message).toContain("the deadline 'cutoff' passed at");
      const [detail] = cause.details as [{ deadline: string; at: string }];
      expect(detail.deadline).toBe('cutoff');
      expect(Date.parse(detail.at) - started).toBeGreaterThanOrEqual(12_000);
      expect(Date.parse(detail.at) - started).toBeLessThan(14_000);
      const final = (await handle.result()) as ProbeState;
      expect(final.outcome).toBe('late');
      expect(final.timeline.filter((e) => e.kind === 'event:arrived')).toHaveLength(0);
    } finally {
      await w.stop();
    }
  });

  it('an event the deadline closes, received 3 s before it but reaching the workflow 3 s after it (no worker), is applied first: the deadline finds it', async () => {
    const taskQueue = uniqueTaskQueue('kit-deadlines');
    const w = workers(taskQueue);
    await w.start();
    const { handle, started } = await startProbe(taskQueue, 60 * 60_000, 12_000);
    await w.stop();
    await sleepUntil(started + 9_000);
    const receivedAt = received();
    const sent = handle.executeUpdate(eventUpdate, { args: [{ type: 'arrived', actor: 'desk-agent', receivedAt }] });
    await sleepUntil(started + 15_000);
    await w.start();
    try {
      const result = await sent;
      expect(result.outcome).toBe('on-time');
      const final = (await handle.result()) as ProbeState;
      expect(final.outcome).toBe('on-time');
      expect(final.timeline.filter((e) => e.kind === 'deadline-passed')).toHaveLength(0);
      // Applied after the cutoff's instant by the workflow's clock, judged at its receipt.
      const entry = final.timeline.find((e) => e.kind === 'event:arrived')!;
      expect(Date.parse(entry.at) - started).toBeGreaterThanOrEqual(12_000);
      expect(entry.data).toEqual({ receivedAt });
    } finally {
      await w.stop();
    }
  });

  it('the same event without the API stamp (a recorded history, an old client of the update) is judged when it reaches the workflow: refused', async () => {
    const taskQueue = uniqueTaskQueue('kit-deadlines');
    const w = workers(taskQueue);
    await w.start();
    const { handle, started } = await startProbe(taskQueue, 60 * 60_000, 12_000);
    await w.stop();
    await sleepUntil(started + 9_000);
    const sent = handle.executeUpdate(eventUpdate, { args: [{ type: 'arrived' }] });
    await sleepUntil(started + 15_000);
    await w.start();
    try {
      expect((await failureOf(sent)).message).toContain("'cutoff' passed");
      expect(((await handle.result()) as ProbeState).outcome).toBe('late');
    } finally {
      await w.stop();
    }
  });

  it('an event the deadline does not close, received before its instant and applied after it (no worker), is applied first and dated at its receipt', async () => {
    const taskQueue = uniqueTaskQueue('kit-deadlines');
    const w = workers(taskQueue);
    await w.start();
    const { handle, started } = await startProbe(taskQueue, 8_000, 10 * 60_000);
    await w.stop();
    await sleepUntil(started + 6_000);
    const receivedAt = received();
    const note = handle.executeUpdate(eventUpdate, { args: [{ type: 'note', actor: 'desk-agent', receivedAt }] });
    await sleepUntil(started + 11_000);
    await w.start();
    try {
      await note;
      const state = (await handle.query(stateQuery)) as ProbeState;
      expect(state.details.notesAfterReminder).toEqual([false]);
      expect(state.details.noteInstants).toEqual([receivedAt]);
      const kinds = state.timeline.map((e) => e.kind);
      expect(kinds.indexOf('event:note')).toBeLessThan(kinds.indexOf('reminder'));
      await handle.executeUpdate(eventUpdate, { args: [{ type: 'arrived', receivedAt: received() }] });
    } finally {
      await w.stop();
    }
  });

  it('an event the deadline does not close, arriving after its instant with the worker down, is applied after the deadline fired', async () => {
    const taskQueue = uniqueTaskQueue('kit-deadlines');
    const w = workers(taskQueue);
    await w.start();
    const { handle, started } = await startProbe(taskQueue, 8_000, 10 * 60_000);
    await w.stop();
    await sleepUntil(started + 10_000);
    const receivedAt = received();
    const note = handle.executeUpdate(eventUpdate, { args: [{ type: 'note', actor: 'desk-agent', receivedAt }] });
    await sleepUntil(started + 11_000);
    await w.start();
    try {
      const result = await note;
      expect(result.timeline.map((e) => e.kind)).toEqual(['event:note']);
      const state = (await handle.query(stateQuery)) as ProbeState;
      expect(state.details.notesAfterReminder).toEqual([true]);
      expect(state.details.noteInstants).toEqual([receivedAt]);
      const kinds = state.timeline.map((e) => e.kind);
      expect(kinds.indexOf('reminder')).toBeLessThan(kinds.indexOf('event:note'));
      // The cutoff has not passed: the event it closes is still accepted.
      const arrived = await handle.executeUpdate(eventUpdate, { args: [{ type: 'arrived' }] });
      expect(arrived.outcome).toBe('on-time');
      expect(((await handle.result()) as ProbeState).outcome).toBe('on-time');
    } finally {
      await w.stop();
    }
  });
});
