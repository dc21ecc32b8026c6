// The fault suite (`npm run test:faults`): the production topology (src/ops/topology.ts) under four
// faults, one after the other on one topology, each with fresh escalations whose real deadlines are
// close. After each: every escalation reaches its outcome, every message it recorded as sent was
// received once, duplicates by step key are counted (Slack: none; email: only the README's stated
// case, a send in flight on a killed worker), and the figures are printed.
import { randomUUID } from 'node:crypto';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppInstance, Topology } from '../../src/ops/topology.js';
import { facilitatorNoShow } from '../helpers/fixtures.js';
import { ApiClients, local, startTestTopology, type Escalation } from '../topology/harness.js';
import { alreadyLate, checkCase, cutoffSoon, meetingSoon, openAccount, settle, type Item } from './workload.js';

const { PendingActivityState } = proto.temporal.api.enums.v1;
const MIN = 60_000;

let topology: Topology;
let api: ApiClients;

beforeAll(async () => {
  topology = await startTestTopology('faults');
  api = new ApiClients(topology.apis.map((a) => a.url!), topology.apiKey);
}, 600_000);

afterAll(async () => {
  await topology?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Activities of these escalations running right now on `worker` (by its Temporal identity). */
async function runningOn(worker: AppInstance, ids: string[]): Promise<string[]> {
  const names: string[] = [];
  for (const id of ids) {
    const d = await topology.client.workflow.getHandle(id).describe();
    for (const a of d.raw.pendingActivities ?? []) {
      if (a.state === PendingActivityState.PENDING_ACTIVITY_STATE_STARTED && a.lastWorkerIdentity === worker.identity) names.push(`${id}: ${a.activityType?.name}`);
    }
  }
  return names;
}

describe('faults on the production topology', () => {
  it('(a) kill -9 of a worker in the middle of escalations, then restarted', async () => {
    const worker = topology.workers[0]!;
    // Slack accepts these posts but answers 4 s late, so activities are caught running on the worker.
    local(topology).slack.failNext('chat.postMessage', { acceptThenHang: 4_000 }, 8);
    const items: Item[] = [];
    for (let i = 0; i < 4; i++) items.push(await cutoffSoon(api, 60_000 + i * 5_000));
    for (let i = 0; i < 2; i++) items.push(await meetingSoon(api, 70_000));
    for (let i = 0; i < 2; i++) items.push(await alreadyLate(api));
    const ids = items.map((i) => i.id);

    let running: string[] = [];
    const until = Date.now() + 30_000;
    while (running.length === 0 && Date.now() < until) {
      running = await runningOn(worker, ids);
      if (running.length === 0) await sleep(100);
    }
    const killAt = Date.now();
    await worker.kill();
    process.stdout.write(`(a) killed ${worker.name} (${worker.identity}) with ${running.length} activities running on it: ${running.join(', ')}\n`);
    expect(running.length, 'activities running on the worker when it was killed').toBeGreaterThan(0);
    await sleep(5_000);
    const restartedAt = Date.now();
    await worker.start();
    const restartS = ((Date.now() - restartedAt) / 1000).toFixed(1);

    const done = await settle(api, items, 3 * MIN);
    await checkCase('(a) worker killed with kill -9, restarted', topology, api, items, done, {
      killAt,
      extra: { 'activities running on it when killed': running.length, 'restart to polling (s)': restartS },
    });
  }, 8 * MIN);

  it('(b) the Temporal server restarted (kill -9) while timers are pending', async () => {
    const items: Item[] = [];
    for (let i = 0; i < 4; i++) items.push(await cutoffSoon(api, 45_000 + i * 5_000));
    for (let i = 0; i < 2; i++) items.push(await meetingSoon(api, 50_000));
    // Every escalation opened and waiting on its timer.
    for (const item of items) await api.until(item.id, (e) => (e.state?.deadlines ?? []).length > 0 && (e.state?.messages ?? []).length > 0, 60_000, 'waiting on its deadline');
    const pending = items.length;

    const downAt = Date.now();
    await topology.temporal.process.kill();
    await sleep(3_000);
    await topology.temporal.start();
    const downS = ((Date.now() - downAt) / 1000).toFixed(1);
    // The APIs and workers reconnect by themselves.
    for (const a of topology.apis) await expect.poll(async () => (await fetch(`${a.url}/readyz`)).status, { timeout: 60_000, interval: 500 }).toBe(200);

    const done = await settle(api, items, 3 * MIN);
    // How long after their due time the cutoffs took effect (the client email leaving).
    const lateS = items.flatMap((item) => {
      const email = local(topology).outbox.list({ escalationId: item.id, kind: 'email' }).at(-1);
      return item.dueAt && email ? [(Date.parse(email.at) - item.dueAt) / 1000] : [];
    });
    await checkCase('(b) Temporal server killed and restarted with timers pending', topology, api, items, done, {
      extra: {
        'timers pending at the restart': pending,
        'server down (s)': downS,
        'cutoff emails after their due time (s)': lateS.map((s) => s.toFixed(1)).join(', '),
      },
    });
  }, 8 * MIN);

  it('(c) Slack and SendGrid answer 503 and 429 for a stretch, then recover', async () => {
    const { slack, sendgrid } = local(topology);
    const slackBefore = slack.calls().length;
    const sendgridBefore = sendgrid.calls().length;
    slack.failNext('*', { status: 503 }, 12);
    slack.failNext('*', { status: 429, retryAfter: 2 }, 8);
    sendgrid.failNext({ status: 503 }, 4);
    sendgrid.failNext({ status: 429, retryAfter: 2 }, 4);

    const items: Item[] = [];
    for (let i = 0; i < 3; i++) items.push(await alreadyLate(api));
    for (let i = 0; i < 2; i++) items.push(await cutoffSoon(api, 40_000));
    for (let i = 0; i < 2; i++) items.push(await openAccount(api));

    const done = await settle(api, items, 4 * MIN);
    const refused = (calls: { status: number }[]) => ({
      503: calls.filter((c) => c.status === 503).length,
      429: calls.filter((c) => c.status === 429).length,
    });
    const slackRefused = refused(slack.calls().slice(slackBefore));
    const sendgridRefused = refused(sendgrid.calls().slice(sendgridBefore));
    await checkCase('(c) Slack and SendGrid refusing with 503/429, then recovering', topology, api, items, done, {
      extra: { 'Slack answers refused': slackRefused, 'SendGrid answers refused': sendgridRefused },
    });
    // The whole stretch was served (and survived).
    expect(slackRefused).toEqual({ 503: 12, 429: 8 });
    expect(sendgridRefused).toEqual({ 503: 4, 429: 4 });
  }, 8 * MIN);

  it('(d) one API instance killed while requests are in flight; clients retry on the other with the same Idempotency-Key', async () => {
    const accounts: Item[] = [];
    for (let i = 0; i < 3; i++) accounts.push(await openAccount(api));
    const failoversBefore = api.failovers;
    const killed = topology.apis[0]!;

    interface Sent { what: string; status: number; attempts: number; ms: number }
    const sent: Sent[] = [];
    const sessions: string[] = [];
    const notes = new Map<string, string[]>(accounts.map((a) => [a.id, []]));
    const client = async (n: number) => {
      for (let j = 0; j < 5; j++) {
        const account = accounts[(n + j) % accounts.length]!;
        const text = `load note ${n}-${j} ${randomUUID()}`;
        notes.get(account.id)!.push(text);
        const t0 = Date.now();
        const r = await api.event(account.id, { type: 'note', actor: 'csm', text });
        sent.push({ what: 'note', status: r.status, attempts: r.attempts, ms: Date.now() - t0 });
      }
      const started = await api.start('live-delivery', facilitatorNoShow(Date.now() + 20 * MIN));
      sent.push({ what: 'start', status: started.status, attempts: started.attempts, ms: 0 });
      sessions.push(started.body.id);
      const arrived = await api.event(started.body.id, { type: 'facilitator-arrived', actor: 'desk-agent' });
      sent.push({ what: 'facilitator-arrived', status: arrived.status, attempts: arrived.attempts, ms: 0 });
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, n) => client(n)));

    // Kill it while it holds requests that have been in flight long enough to have reached Temporal
    // (an event is a Workflow Update: the API waits for the worker's answer): older than the median
    // answer time of the first notes.
    const median = () => {
      const ms = sent.filter((x) => x.what === 'note' && x.attempts === 1).map((x) => x.ms).sort((a, b) => a - b);
      return ms.length < 8 ? Number.POSITIVE_INFINITY : ms[Math.floor(ms.length / 2)]!;
    };
    const until = Date.now() + 30_000;
    while ((api.inFlight(0) < 1 || api.oldestInFlight(0) < median()) && Date.now() < until) await sleep(5);
    const medianAtKill = median();
    const inFlightAtKill = api.inFlight(0);
    const oldestAtKill = api.oldestInFlight(0);
    await killed.kill();
    await load;
    const failovers = api.failovers - failoversBefore;
    await killed.start();

    // Every request's effect exactly once: notes in the escalation, arrivals in the session's timeline.
    const noteDuplicates: string[] = [];
    const notesMissing: string[] = [];
    for (const [id, texts] of notes) {
      const { body } = await api.escalation(id);
      const kept = (body.state?.details as { notes: { text: string }[] }).notes.map((x) => x.text);
      for (const text of texts) {
        const count = kept.filter((k) => k === text).length;
        if (count === 0) notesMissing.push(text);
        if (count > 1) noteDuplicates.push(`${id}: ${text} x${count}`);
      }
    }
    const arrivals = await Promise.all(
      sessions.map(async (id) => ((await api.escalation(id)).body.state?.timeline ?? []).filter((t) => t.kind === 'event:facilitator-arrived').length),
    );

    const items: Item[] = [...accounts, ...sessions.map((id) => ({ id, label: 'facilitator arrived' }))];
    const done: Escalation[] = await settle(api, items, 2 * MIN);
    const statuses = Object.fromEntries([...new Set(sent.map((s) => `${s.what} ${s.status}`))].map((k) => [k, sent.filter((s) => `${s.what} ${s.status}` === k).length]));
    await checkCase('(d) one API instance killed with requests in flight', topology, api, items, done, {
      extra: {
        'requests': sent.length,
        'in flight on the killed instance': `${inFlightAtKill} (the oldest for ${Math.round(oldestAtKill)} ms; median note answer ${medianAtKill} ms)`,
        'retried on the other instance': failovers,
        'answers': statuses,
        'event duplicates (notes, arrivals)': noteDuplicates.length + arrivals.filter((n) => n > 1).length,
      },
    });
    expect(inFlightAtKill).toBeGreaterThan(0);
    expect(failovers).toBeGreaterThan(0);
    expect(notesMissing).toEqual([]);
    expect(noteDuplicates).toEqual([]);
    expect(arrivals.every((n) => n === 1)).toBe(true);
    expect(sent.every((s) => s.status >= 200 && s.status < 300), JSON.stringify(statuses)).toBe(true);
  }, 8 * MIN);
});
