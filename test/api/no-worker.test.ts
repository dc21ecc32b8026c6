// Issue 17 items 2 and 3, issue 16 item 2, issue 13 item 4: what the API answers while no worker
// runs, or while an escalation's workflow task fails. The real dev server and API; a second API
// instance starts escalations on a task queue that no worker polls until the test starts one, as
// a real deployment looks while its workers are down.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemplateCatalog } from '../../activities/email/templates.js';
import { buildApp } from '../../src/app.js';
import { ApiKeys, hashApiKey } from '../../src/auth/api-keys.js';
import { SCOPE_NAMES } from '../../src/auth/scopes.js';
import type { Directory } from '../../src/directory.js';
import type { RunningService } from '../../src/service.js';
import { createWorker, NativeConnection } from '../../src/worker.js';
import { facilitatorNoShow, loadExampleDirectory } from '../helpers/fixtures.js';
import { clientCallInput } from '../helpers/client-call-fixtures.js';
import { clientCall } from '../../workflows/client-call/workflow.js';
import { eventSignal, stateQuery } from '../../workflows/kit/messages.js';
import { startStandIns, type StandIns } from '../helpers/stand-ins.js';
import { http, startTestService, until } from '../helpers/service.js';

const MIN = 60_000;
const WAIT_MS = 1_000;
const QUEUE = 'no-worker-yet';
/** Events name `actor: desk-agent`; sent with the local key, they are recorded as this. */
const ACTOR = 'tool:local on behalf of desk-agent';
let svc: RunningService;
let app: FastifyInstance;
let directory: Directory;
let templates: TemplateCatalog;
let standIns: StandIns;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  svc = await startTestService();
  directory = await loadExampleDirectory();
  templates = await TemplateCatalog.load();
  standIns = await startStandIns(directory);
  // The second API accepts the service's local key (tool `local`, every scope), as the first does.
  app = await buildApp({
    client: svc.client,
    taskQueue: QUEUE,
    directory,
    templates,
    workerWaitMs: WAIT_MS,
    auth: { apiKeys: new ApiKeys([{ hash: hashApiKey(svc.localApiKey!), tool: 'local', scopes: SCOPE_NAMES }]) },
    access: {},
    rateLimitPerMinute: 10_000,
  });
});

afterAll(async () => {
  for (const fn of cleanups.reverse()) await fn();
  await app?.close();
  await standIns?.close();
  await svc?.close();
});

async function inject<T = Record<string, unknown>>(method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = {}) {
  const started = Date.now();
  const r = await app.inject({
    method,
    url,
    ...(body !== undefined && { payload: body as object }),
    headers: { authorization: `Bearer ${svc.localApiKey!}`, ...headers },
  });
  return { status: r.statusCode, headers: r.headers, body: r.json<T>(), ms: Date.now() - started };
}

async function startWorker(taskQueue = QUEUE): Promise<void> {
  const connection = await NativeConnection.connect({ address: svc.temporalAddress });
  const worker = await createWorker({ connection, namespace: 'default', taskQueue, directory, templates, providers: standIns.providers });
  const running = worker.run();
  cleanups.push(async () => {
    worker.shutdown();
    await running;
    await connection.close();
  });
}

interface State {
  timeline: { at: string; kind: string; actor: string }[];
  outcome: string | null;
}
interface View {
  id: string;
  execution: { status: string; startedAt: string };
  state: State | null;
}

describe('no worker running', () => {
  const key = 'retry-me-7f3a';
  let id: string;

  it('a start answers at once: id, run and links, and with Prefer: return=representation state null instead of stalling', async () => {
    const body = { playbook: 'live-delivery', input: facilitatorNoShow(Date.now() + 20 * MIN) };
    const r = await inject<View & { runId: string; links: { self: string } }>('POST', '/escalations', body);
    expect(r.status).toBe(201);
    expect(r.body.runId).toMatch(/\S/);
    expect(r.body.links.self).toBe(`/escalations/${encodeURIComponent(r.body.id)}`);
    expect(r.body).not.toHaveProperty('state');
    expect(r.ms).toBeLessThan(WAIT_MS + 5_000);
    id = r.body.id;
    // The repeat asks for the state: no worker answers, so the wait is bounded and the state null.
    const full = await inject<View>('POST', '/escalations', body, { prefer: 'return=representation' });
    expect(full.status).toBe(200);
    expect(full.headers['preference-applied']).toBe('return=representation');
    expect(full.body.state).toBeNull();
    expect(full.ms).toBeLessThan(WAIT_MS + 5_000);
  });

  it('an event waits a bounded time, then 503 no-worker with Retry-After and the key to retry with', async () => {
    const path = `/escalations/${encodeURIComponent(id)}/events`;
    const event = { type: 'facilitator-reached', actor: 'desk-agent', eta: '10 minutes' };
    for (let attempt = 0; attempt < 2; attempt++) {
      const r = await inject<{ type: string; idempotencyKey: string; detail: string }>('POST', path, event, { 'idempotency-key': key });
      expect(r.status).toBe(503);
      expect(String(r.headers['content-type'])).toMatch(/^application\/problem\+json/);
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      expect(r.body.type).toMatch(/no-worker$/);
      expect(r.body.idempotencyKey).toBe(key);
      expect(r.ms).toBeLessThan(WAIT_MS + 5_000);
    }
    // Without a key the API makes one up and says which, so even that caller can retry safely.
    const anonymous = await inject<{ idempotencyKey: string }>('POST', path, { type: 'facilitator-no-answer', actor: 'desk-agent' });
    expect(anonymous.status).toBe(503);
    expect(anonymous.body.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    await svc.client.workflow.getHandle(id).terminate('superseded by the next test escalation');
  });

  it('a read waits a bounded time, then 503 no-worker with Retry-After', async () => {
    const created = await inject<View>('POST', '/escalations', { playbook: 'live-delivery', input: facilitatorNoShow(Date.now() + 20 * MIN) });
    id = created.body.id;
    const r = await inject<{ type: string }>('GET', `/escalations/${encodeURIComponent(id)}`);
    expect(r.status).toBe(503);
    expect(r.body.type).toMatch(/no-worker$/);
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    expect(r.ms).toBeLessThan(WAIT_MS + 5_000);
  });

  it('once a worker runs, retries with the same Idempotency-Key apply the event once, after the opening', async () => {
    const path = `/escalations/${encodeURIComponent(id)}`;
    const event = { type: 'facilitator-reached', actor: 'desk-agent', eta: '10 minutes' };
    // The first attempt, before any worker: admitted, not applied.
    expect((await inject('POST', `${path}/events`, event, { 'idempotency-key': key })).status).toBe(503);

    await startWorker();
    // The client retries with the same key until it gets an answer.
    const applied = await until(
      () => inject<State>('POST', `${path}/events`, event, { 'idempotency-key': key }),
      (r) => r.status === 200,
      60_000,
    );
    expect(applied.status).toBe(200);
    const again = await inject<State>('POST', `${path}/events`, event, { 'idempotency-key': key });
    expect(again.status).toBe(200);

    const view = await until(() => inject<View>('GET', path), (r) => r.status === 200);
    const timeline = view.body.state!.timeline;
    const kinds = timeline.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'event:facilitator-reached')).toHaveLength(1);
    const opened = timeline[kinds.indexOf('opened')]!;
    const reached = timeline[kinds.indexOf('event:facilitator-reached')]!;
    expect(kinds.indexOf('opened')).toBe(0);
    expect(kinds.indexOf('opened')).toBeLessThan(kinds.indexOf('event:facilitator-reached'));
    // The opening is dated when the escalation was started, not when a worker got to it.
    expect(Date.parse(opened.at)).toBe(Date.parse(view.body.execution.startedAt));
    expect(Date.parse(opened.at)).toBeLessThanOrEqual(Date.parse(reached.at));
    // The actor is who the credential says: the local tool, acting for the desk agent it names.
    expect(reached.actor).toBe(ACTOR);

    // The Web UI's history row names the event, the actor and the caller's key (issue 16 item 2).
    const history = await svc.client.workflow.getHandle(id).fetchHistory();
    const accepted = (history.events ?? []).flatMap((e) => (e.workflowExecutionUpdateAcceptedEventAttributes ? [e.workflowExecutionUpdateAcceptedEventAttributes] : []));
    expect(accepted.map((a) => a.acceptedRequest?.meta?.updateId)).toEqual([`facilitator-reached:${ACTOR}:${key}`]);
    expect(accepted[0]!.acceptedRequest?.meta?.identity).toBe(`${ACTOR} (escalation-engine API)`);
  });

  it('a retried event that closed the escalation answers its outcome; any other event is a 409', async () => {
    const path = `/escalations/${encodeURIComponent(id)}`;
    const arrived = { type: 'facilitator-arrived', actor: 'desk-agent' };
    const first = await inject<State>('POST', `${path}/events`, arrived, { 'idempotency-key': 'arrived-1' });
    expect(first.status).toBe(200);
    expect(first.body.outcome).toBe('delivered');
    await until(() => svc.client.workflow.getHandle(id).describe(), (d) => d.status.name !== 'RUNNING', 60_000);
    const retried = await inject<State>('POST', `${path}/events`, arrived, { 'idempotency-key': 'arrived-1' });
    expect(retried.status).toBe(200);
    expect(retried.body.outcome).toBe('delivered');
    const other = await inject<{ type: string }>('POST', `${path}/events`, arrived, { 'idempotency-key': 'arrived-2' });
    expect(other.status).toBe(409);
    expect(other.body.type).toMatch(/escalation-closed$/);
  });
});

describe('client-call started while no worker runs, then an event (issue 17 item 3)', () => {
  it("the timeline's order is what happened: `opened` first, dated at the start instant, then the event", async () => {
    // A queue of its own: nobody polls it until the event is in the history.
    const queue = 'no-worker-yet-client-call';
    const h = await svc.client.workflow.start(clientCall, {
      taskQueue: queue,
      workflowId: `client-call-no-worker-${Date.now().toString(36)}`,
      args: [clientCallInput(Date.now())],
    });
    cleanups.push(() => h.terminate('test over').catch(() => undefined));
    // The signal is in the history before any workflow task: the first task carries both.
    await h.signal(eventSignal, { type: 'client-info', info: 'They also lost the export from Monday', actor: 'desk-agent' });
    const startedAt = (await h.describe()).startTime;
    await startWorker(queue);
    const state = await until(() => h.query(stateQuery), (x) => x.timeline.some((e) => e.kind === 'event:client-info'), 60_000);
    const kinds = state.timeline.map((e) => e.kind);
    expect(kinds[0]).toBe('opened');
    const opened = state.timeline[0]!;
    const info = state.timeline[kinds.indexOf('event:client-info')]!;
    // Dated when the escalation was started, not when the worker got to it (seconds later).
    expect(Date.parse(opened.at)).toBe(startedAt.getTime());
    expect(Date.parse(info.at)).toBeGreaterThan(Date.parse(opened.at));
    // Every entry in the order it happened.
    const times = state.timeline.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('an escalation whose workflow task fails', () => {
  it('events and reads -> 503 escalation-stalled with Retry-After, never a 500', async () => {
    // Started behind the API's back with an instant the workflow cannot parse (the API refuses it):
    // the workflow task fails on every attempt.
    const input = facilitatorNoShow(Date.now() + 20 * MIN);
    input.booking.startTime = '2026-12-31T23:59:60Z';
    const id = `live-delivery:stalled-${input.booking.id}`;
    const handle = await svc.client.workflow.start('liveDelivery', {
      workflowId: id,
      taskQueue: 'escalations',
      args: [input],
      memo: { playbook: 'live-delivery', inputHash: 'none' },
    });
    try {
      await until(() => handle.describe(), (d) => (d.raw.pendingWorkflowTask?.attempt ?? 0) > 1, 60_000);
      const event = await http<{ type: string }>(svc.apiUrl, 'POST', `/escalations/${encodeURIComponent(id)}/events`, {
        type: 'facilitator-arrived',
      });
      expect(event.status).toBe(503);
      expect(event.contentType).toMatch(/^application\/problem\+json/);
      expect(event.body.type).toMatch(/escalation-stalled$/);
      const read = await fetch(`${svc.apiUrl}/escalations/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${svc.localApiKey!}` } });
      expect(read.status).toBe(503);
      expect(Number(read.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await read.json()) as { type: string }).type).toMatch(/escalation-stalled$/);
    } finally {
      await handle.terminate('test done');
    }
  });
});
