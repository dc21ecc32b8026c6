// Issue 18 item 2: GET /escalations/{id} sends its describe and its state query together (one round
// trip's time). The query cannot name the run (the describe has not answered yet), so the answer
// must never pair one run's execution facts with another run's state, and a worker without the
// run-state query (a rolling deploy) must still be read. The real dev server, worker and API; a
// second API instance reads through a Temporal client whose interceptor holds its describe back
// (the id's next run opens meanwhile) or asks an unknown query name (what an old worker answers).
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemplateCatalog } from '../../activities/email/templates.js';
import { buildApp } from '../../src/app.js';
import { ApiKeys, hashApiKey } from '../../src/auth/api-keys.js';
import { SCOPE_NAMES } from '../../src/auth/scopes.js';
import type { RunningService } from '../../src/service.js';
import type { TechIncidentReport, TechIncidentState } from '../../workflows/tech-incident/contract.js';
import { loadExampleDirectory } from '../helpers/fixtures.js';
import { http, startTestService } from '../helpers/service.js';
import { techReport } from '../helpers/tech-incident-fixtures.js';

let svc: RunningService;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  svc = await startTestService();
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await svc?.close();
});

/** A second API on the service's task queue and key, reading through a client with `interceptor`. */
async function apiWith(interceptor: WorkflowClientInterceptor): Promise<(id: string) => Promise<{ status: number; body: View }>> {
  const client = new Client({ connection: svc.client.connection, namespace: 'default', interceptors: { workflow: [interceptor] } });
  const app = await buildApp({
    client,
    taskQueue: 'escalations',
    directory: await loadExampleDirectory(),
    templates: await TemplateCatalog.load(),
    workerWaitMs: 10_000,
    auth: { apiKeys: new ApiKeys([{ hash: hashApiKey(svc.localApiKey!), tool: 'local', scopes: SCOPE_NAMES }]) },
    access: {},
    rateLimitPerMinute: 10_000,
  });
  apps.push(app);
  return async (id) => {
    const r = await app.inject({ method: 'GET', url: `/escalations/${encodeURIComponent(id)}`, headers: { authorization: `Bearer ${svc.localApiKey!}` } });
    return { status: r.statusCode, body: r.json<View>() };
  };
}

interface View {
  id: string;
  execution: { status: string; runId: string };
  state: TechIncidentState | null;
}

/** POST /escalations with a tech-incident report through the service's API; a 503 (busy worker) is sent again. */
async function report(input: TechIncidentReport) {
  for (let attempt = 1; ; attempt++) {
    const res = await http<{ id: string; runId: string; opened: boolean }>(svc.apiUrl, 'POST', '/escalations', { playbook: 'tech-incident', input });
    if (res.status !== 503 || attempt === 5) return res;
    await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
  }
}

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

describe('GET /escalations/{id}: describe and state query together', () => {
  it("the id's next run opening between the two calls: the state is the described run's, not the run the query reached", async () => {
    const key = `read-runs-${unique()}`;
    const first = await report(techReport(1, { problemKey: key }));
    expect(first.status).toBe(201);
    const id = first.body.id;

    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let answered!: (queryType: string) => void;
    const queryAnswered = new Promise<string>((r) => (answered = r));
    const queries: string[] = [];
    const read = await apiWith({
      async describe(input, next) {
        await held;
        return next(input);
      },
      async query(input, next) {
        queries.push(input.queryType);
        const result = await next(input);
        answered(input.queryType);
        return result;
      },
    });

    const reading = read(id);
    // The state query went out beside the describe (held back) and was answered by the first run.
    const timeout = new Promise<string>((r) => setTimeout(() => r('no query while the describe was held'), 15_000));
    expect(await Promise.race([queryAnswered, timeout])).toBe('run-state');

    // Meanwhile the first incident is resolved and the problem comes back: a new run under the same id.
    expect((await http(svc.apiUrl, 'POST', `/escalations/${encodeURIComponent(id)}/events`, { type: 'resolved', actor: 'on-call-lead' })).status).toBe(200);
    const second = await report(techReport(2, { problemKey: key }));
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ id, opened: true });
    expect(second.body.runId).not.toBe(first.body.runId);

    release();
    const answer = await reading;
    expect(answer.status).toBe(200);
    // The describe saw the second run; the first run's state would be resolved, with report GRV-1001.
    expect(answer.body.execution).toMatchObject({ status: 'RUNNING', runId: second.body.runId });
    expect(answer.body.state).toMatchObject({ open: true, status: 'single-case', outcome: null });
    expect(answer.body.state!.details.reports.map((r) => r.ticket)).toEqual(['GRV-1002']);
    // Asked again of the described run: the run-state answer named the other one.
    expect(queries).toEqual(['run-state', 'state']);
  }, 60_000);

  it('a worker without the run-state query (a rolling deploy): the state is read with the state query from the described run', async () => {
    const first = await report(techReport(3, { problemKey: `old-worker-${unique()}` }));
    expect(first.status).toBe(201);
    const queries: string[] = [];
    // A query name the worker does not know gets the answer an old worker gives for run-state.
    const read = await apiWith({
      async query(input, next) {
        queries.push(input.queryType);
        return next(input.queryType === 'run-state' ? { ...input, queryType: 'run-state-unknown-to-this-worker' } : input);
      },
    });
    const answer = await read(first.body.id);
    expect(answer.status).toBe(200);
    expect(answer.body.execution).toMatchObject({ status: 'RUNNING', runId: first.body.runId });
    expect(answer.body.state!.details.reports.map((r) => r.ticket)).toEqual(['GRV-1003']);
    expect(queries).toEqual(['run-state', 'state']);
  }, 60_000);

  it('one round trip when both answer for the same run: no second query', async () => {
    const first = await report(techReport(4, { problemKey: `one-trip-${unique()}` }));
    expect(first.status).toBe(201);
    const queries: string[] = [];
    const read = await apiWith({
      async query(input, next) {
        queries.push(input.queryType);
        return next(input);
      },
    });
    const answer = await read(first.body.id);
    expect(answer.status).toBe(200);
    expect(answer.body.execution.runId).toBe(first.body.runId);
    expect(answer.body.state!.details.reports.map((r) => r.ticket)).toEqual(['GRV-1004']);
    expect(queries).toEqual(['run-state']);
  }, 60_000);
});
