// Issue 17 item 1, the exact input: a facilitator no-show whose session started 14 min 50 s ago
// (cutoff in 10 s); the worker is down from 8 s before the cutoff to 6 s after it; the desk sends
// `facilitator-arrived` 5 s after the cutoff. The timer and the update reach the workflow in one
// workflow task; the passed deadline wins: the event is refused with a 409 naming it and the
// escalation is cancelled by the provider. The other side of the instant: sent 5 s BEFORE the
// cutoff, the worker down from 8 s before it to 6 s after it, the event is judged at the instant the
// API received it (its `receivedAt`): applied, the session delivered. Real dev server, the API (in process), the real
// workflow bundle and activities against the stand-ins; real time, no skipping.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { TemplateCatalog } from '../../activities/email/templates.js';
import { buildApp } from '../../src/app.js';
import { ApiKeys, generateApiKey, hashApiKey } from '../../src/auth/api-keys.js';
import { SCOPE_NAMES } from '../../src/auth/scopes.js';
import type { Directory } from '../../src/directory.js';
import { facilitatorNoShow, loadExampleDirectory } from '../helpers/fixtures.js';
import { standInActivities, startStandIns, type StandIns } from '../helpers/stand-ins.js';
import { bundleWorkflows, startLocalTemporal, uniqueTaskQueue } from '../helpers/temporal.js';

const MIN = 60_000;
/** The desk's tool: every scope, so it reports for the desk agent (on-behalf-of). */
const KEY = generateApiKey();
const auth = { authorization: `Bearer ${KEY}` };
let temporal: Awaited<ReturnType<typeof startLocalTemporal>>;
let bundle: WorkflowBundleWithSourceMap;
let directory: Directory;
let standIns: StandIns;
let templates: TemplateCatalog;
let app: FastifyInstance;
const taskQueue = uniqueTaskQueue('deadline-race');

beforeAll(async () => {
  [temporal, bundle, directory, templates] = await Promise.all([startLocalTemporal(), bundleWorkflows(), loadExampleDirectory(), TemplateCatalog.load()]);
  standIns = await startStandIns(directory);
  app = await buildApp({
    client: temporal.client,
    taskQueue,
    directory,
    templates,
    auth: { apiKeys: new ApiKeys([{ hash: hashApiKey(KEY), tool: 'desk-console', scopes: SCOPE_NAMES }]) },
    access: { financeSkipLimitPercent: 10 },
    rateLimitPerMinute: 10_000,
  });
});

afterAll(async () => {
  await app?.close();
  await standIns?.close();
  await temporal?.stop();
});

// Timers may fire a millisecond early: loop until the instant has come.
const sleepUntil = async (ms: number) => {
  while (Date.now() < ms) await new Promise((r) => setTimeout(r, ms - Date.now()));
};

let worker: { w: Worker; done: Promise<void> } | undefined;
const startWorker = async () => {
  const w = await Worker.create({ connection: temporal.nativeConnection, taskQueue, workflowBundle: bundle, activities: standInActivities(standIns, directory, templates) });
  worker = { w, done: w.run() };
};
const stopWorker = async () => {
  worker?.w.shutdown();
  await worker?.done;
  worker = undefined;
};

it('facilitator-arrived 5 s after the cutoff, worker down from cutoff - 8 s to cutoff + 6 s: 409 naming the deadline, cancelled-provider', async () => {
  await startWorker();
  try {
    const input = facilitatorNoShow(Date.now() - 15 * MIN + 10_000);
    const cutoff = Date.parse(input.booking.startTime) + 15 * MIN;
    const created = await app.inject({ method: 'POST', url: '/escalations', headers: auth, payload: { playbook: 'live-delivery', input } });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ id: string }>().id;
    const path = `/escalations/${encodeURIComponent(id)}`;

    await sleepUntil(cutoff - 8_000);
    await stopWorker();
    await sleepUntil(cutoff + 5_000);
    const sentAt = Date.now();
    // The same Idempotency-Key on a retry (an API that answers 503 while no worker runs).
    const send = () =>
      app.inject({
        method: 'POST',
        url: `${path}/events`,
        headers: { ...auth, 'idempotency-key': `race-${id}` },
        payload: { type: 'facilitator-arrived', actor: 'desk-agent' },
      });
    const first = send();
    await sleepUntil(cutoff + 6_000);
    await startWorker();
    let answer = await first;
    for (let i = 0; answer.statusCode === 503 && i < 20; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      answer = await send();
    }
    expect(sentAt - cutoff).toBeGreaterThanOrEqual(5_000);
    expect(answer.statusCode).toBe(409);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.json<{ detail: string }>().detail).toContain("the deadline 'facilitator-cutoff' passed at");

    type State = { outcome: string | null; details: Record<string, unknown>; timeline: { kind: string }[] };
    const read = async () => (await app.inject({ method: 'GET', url: path, headers: auth })).json<{ state: State | null }>().state;
    let state = await read();
    for (let i = 0; i < 100 && !state?.outcome; i++) {
      await new Promise((r) => setTimeout(r, 200));
      state = await read();
    }
    expect(state?.outcome).toBe('cancelled-provider');
    expect(state?.details).toMatchObject({ facilitatorArrivedAt: null });
    expect(state?.timeline.filter((e) => e.kind === 'event:facilitator-arrived')).toHaveLength(0);
    expect(state?.timeline.some((e) => e.kind === 'deadline-passed')).toBe(true);
  } finally {
    await stopWorker();
  }
});

it('facilitator-arrived 5 s before the cutoff, worker down from cutoff - 8 s to cutoff + 6 s: applied when the worker returns, delivered', async () => {
  await startWorker();
  try {
    const input = facilitatorNoShow(Date.now() - 15 * MIN + 10_000);
    const cutoff = Date.parse(input.booking.startTime) + 15 * MIN;
    const created = await app.inject({ method: 'POST', url: '/escalations', headers: auth, payload: { playbook: 'live-delivery', input } });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ id: string }>().id;
    const path = `/escalations/${encodeURIComponent(id)}`;

    await sleepUntil(cutoff - 8_000);
    await stopWorker();
    await sleepUntil(cutoff - 5_000);
    const sentAt = Date.now();
    // The API answers 503 while no worker runs; the retry (same Idempotency-Key) is the same update, received at sentAt.
    const send = () =>
      app.inject({
        method: 'POST',
        url: `${path}/events`,
        headers: { ...auth, 'idempotency-key': `race-before-${id}` },
        payload: { type: 'facilitator-arrived', actor: 'desk-agent' },
      });
    const first = send();
    await sleepUntil(cutoff + 6_000);
    await startWorker();
    let answer = await first;
    for (let i = 0; answer.statusCode === 503 && i < 20; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      answer = await send();
    }
    expect(cutoff - sentAt).toBeGreaterThan(4_000);
    expect(cutoff - sentAt).toBeLessThanOrEqual(5_000);
    expect(answer.statusCode).toBe(200);
    expect(answer.json<{ outcome: string | null }>().outcome).toBe('delivered');

    type State = { outcome: string | null; details: { facilitatorArrivedAt: string | null }; timeline: { kind: string; at: string; data?: { receivedAt?: string } }[] };
    const state = (await app.inject({ method: 'GET', url: path, headers: auth })).json<{ state: State }>().state;
    expect(state.outcome).toBe('delivered');
    // Dated when the API received it, although the worker applied it after the cutoff.
    const arrivedAt = Date.parse(state.details.facilitatorArrivedAt!);
    expect(arrivedAt).toBeGreaterThanOrEqual(sentAt);
    expect(arrivedAt).toBeLessThan(cutoff - 4_000);
    const entry = state.timeline.find((e) => e.kind === 'event:facilitator-arrived')!;
    expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(cutoff);
    expect(entry.data?.receivedAt).toBe(state.details.facilitatorArrivedAt);
    expect(state.timeline.some((e) => e.kind === 'deadline-passed')).toBe(false);
  } finally {
    await stopWorker();
  }
});
