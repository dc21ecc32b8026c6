// The HTTP API against the real dev server: bad input gets a precise problem+json 4xx and never
// starts a workflow; the documentation and health endpoints answer.
import { describe, expect, it } from 'vitest';
import { accountEscalationInput } from '../helpers/account-fixtures.js';
import { facilitatorNoShow, liveDeliveryInput } from '../helpers/fixtures.js';
import { http, serviceTestEnv } from '../helpers/service.js';

const MIN = 60_000;
const t = serviceTestEnv();

async function workflowCount(): Promise<number> {
  let n = 0;
  for await (const _ of t.svc.client.workflow.list()) n += 1;
  return n;
}

const problem = (r: { status: number; contentType: string; body: Record<string, unknown> }) => {
  expect(r.contentType).toContain('application/problem+json');
  expect(r.body.status).toBe(r.status);
  expect(typeof r.body.type).toBe('string');
  expect(typeof r.body.title).toBe('string');
  return r.body as { errors?: { field: string; message: string }[]; detail?: string };
};
const fields = (r: { errors?: { field: string }[] }) => (r.errors ?? []).map((e) => e.field);

describe('bad input never starts a workflow', () => {
  const good = () => ({ playbook: 'live-delivery', input: facilitatorNoShow(Date.now() + 20 * MIN) });

  it('malformed JSON -> 400', async () => {
    const r = await http(t.svc.apiUrl, 'POST', '/escalations', undefined, '{"playbook": "live-delivery", "input": {');
    expect(r.status).toBe(400);
    problem(r);
  });

  it('unknown playbook -> 400 naming /playbook', async () => {
    const r = await http(t.svc.apiUrl, 'POST', '/escalations', { ...good(), playbook: 'no-such-playbook' });
    expect(r.status).toBe(400);
    expect(fields(problem(r))).toContain('/playbook');
  });

  it('missing field -> 400 naming it', async () => {
    const body = good();
    delete (body.input as Partial<typeof body.input>).siteContact;
    const r = await http(t.svc.apiUrl, 'POST', '/escalations', body);
    expect(r.status).toBe(400);
    expect(fields(problem(r))).toContain('/input/siteContact');
  });

  it('start time that is not an instant -> 400 naming /input/booking/startTime', async () => {
    const body = good();
    body.input.booking.startTime = 'tomorrow at 11';
    const r = await http(t.svc.apiUrl, 'POST', '/escalations', body);
    expect(r.status).toBe(400);
    expect(fields(problem(r))).toContain('/input/booking/startTime');
  });

  it('unknown time zone -> 400 naming /input/booking/timeZone', async () => {
    const body = good();
    body.input.booking.timeZone = 'America/Atlantis';
    const r = await http(t.svc.apiUrl, 'POST', '/escalations', body);
    expect(r.status).toBe(400);
    expect(fields(problem(r))).toContain('/input/booking/timeZone');
  });

  it('a person the directory does not know -> 400 naming /input/bookingOwner', async () => {
    const body = good();
    body.input.bookingOwner = 'nobody-we-know';
    const r = await http(t.svc.apiUrl, 'POST', '/escalations', body);
    expect(r.status).toBe(400);
    expect(fields(problem(r))).toContain('/input/bookingOwner');
  });

  it('bad id -> 400 naming /id', async () => {
    const r = await http(t.svc.apiUrl, 'POST', '/escalations', { ...good(), id: 'has spaces/and slashes' });
    expect(r.status).toBe(400);
    expect(fields(problem(r))).toContain('/id');
  });

  it('unknown escalation -> 404, for reads and for events', async () => {
    const r = await http(t.svc.apiUrl, 'GET', '/escalations/live-delivery:does-not-exist');
    expect(r.status).toBe(404);
    problem(r);
    const e = await http(t.svc.apiUrl, 'POST', '/escalations/live-delivery:does-not-exist/events', { type: 'facilitator-arrived' });
    expect(e.status).toBe(404);
    problem(e);
  });

  it('a no-show reported for a session that starts tomorrow -> 400 naming /input/booking/startTime (issue 17 item 19)', async () => {
    const r = await http(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input: facilitatorNoShow(Date.now() + 24 * 60 * MIN) });
    expect(r.status).toBe(400);
    const body = problem(r);
    expect(fields(body)).toEqual(['/input/booking/startTime']);
    expect(body.errors![0]!.message).toContain('a facilitator no-show cannot precede the start');
  });

  it('none of the above started a workflow', async () => {
    expect(await workflowCount()).toBe(0);
  });
});

describe('events and idempotency', () => {
  it('unknown event type -> 400 naming /type; a bad event field -> 400; the escalation is unchanged', async () => {
    const input = facilitatorNoShow(Date.now() + 20 * MIN);
    const created = await http<{ id: string }>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input });
    expect(created.status).toBe(201);
    const path = `/escalations/${encodeURIComponent(created.body.id)}`;

    const unknown = await http(t.svc.apiUrl, 'POST', `${path}/events`, { type: 'client-called-back' });
    expect(unknown.status).toBe(400);
    expect(fields(problem(unknown))).toEqual(['/type']);

    const badField = await http(t.svc.apiUrl, 'POST', `${path}/events`, { type: 'facilitator-arrived', colour: 'blue' });
    expect(badField.status).toBe(400);
    problem(badField);

    const state = await http<{ state: { outcome: string | null; timeline: { kind: string }[] } }>(t.svc.apiUrl, 'GET', path);
    expect(state.body.state.outcome).toBeNull();
    expect(state.body.state.timeline.filter((e) => e.kind.startsWith('event:'))).toHaveLength(0);
  });

  it("an event type of another playbook -> 400 naming /type (the workflow's validator refuses it), nothing applied", async () => {
    const live = await http<{ id: string }>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input: facilitatorNoShow(Date.now() + 20 * MIN) });
    const account = await http<{ id: string }>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'account-escalation', input: accountEscalationInput(Date.now()) });
    expect([live.status, account.status]).toEqual([201, 201]);
    for (const [id, event] of [
      [live.body.id, { type: 'note', actor: 'csm', text: 'A note for the wrong playbook' }],
      [account.body.id, { type: 'facilitator-arrived', actor: 'desk-agent' }],
    ] as const) {
      const path = `/escalations/${encodeURIComponent(id)}`;
      const r = await http(t.svc.apiUrl, 'POST', `${path}/events`, event);
      expect(r.status).toBe(400);
      expect(fields(problem(r))).toEqual(['/type']);
      const after = await http<{ state: { timeline: { kind: string }[] } }>(t.svc.apiUrl, 'GET', path);
      expect(after.body.state.timeline.filter((e) => e.kind.startsWith('event:'))).toHaveLength(0);
    }
  });

  it('details-mismatch with neither field -> 400, nothing recorded; with one field -> 200 (issue 17 item 20)', async () => {
    const input = liveDeliveryInput('participant-no-show', Date.now() + 20 * MIN);
    const created = await http<{ id: string }>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input });
    expect(created.status).toBe(201);
    const path = `/escalations/${encodeURIComponent(created.body.id)}`;
    const empty = await http(t.svc.apiUrl, 'POST', `${path}/events`, { type: 'details-mismatch', actor: 'desk-agent' });
    expect(empty.status).toBe(400);
    problem(empty);
    const one = await http(t.svc.apiUrl, 'POST', `${path}/events`, { type: 'details-mismatch', clientSessionLink: 'https://meet.example.com/other-room' });
    expect(one.status).toBe(200);
    const state = await http<{ state: { timeline: { kind: string }[] } }>(t.svc.apiUrl, 'GET', path);
    expect(state.body.state.timeline.filter((e) => e.kind === 'event:details-mismatch')).toHaveLength(1);
  });

  it('same id with different input -> 409, and the first escalation keeps its input', async () => {
    const input = facilitatorNoShow(Date.now() + 20 * MIN);
    const id = `live-delivery:idem-${input.booking.id}`;
    const first = await http(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', id, input });
    expect(first.status).toBe(201);
    const changed = { ...input, facilitator: { name: 'Someone Else' } };
    const second = await http(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', id, input: changed });
    expect(second.status).toBe(409);
    problem(second);
    const same = await http(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', id, input });
    expect(same.status).toBe(200);
  });

  it('an event on a closed escalation -> 409', async () => {
    const input = facilitatorNoShow(Date.now() - 20 * MIN);
    const created = await http<{ id: string }>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input });
    const path = `/escalations/${encodeURIComponent(created.body.id)}`;
    // Called off at once; the desk phones the client (seed 000) and reports them unreachable, which closes it.
    type View = { execution: { status: string }; state: { tasks: { id: string; status: string }[] } | null };
    for (let i = 0; i < 150; i++) {
      const r = await http<View>(t.svc.apiUrl, 'GET', path);
      if (r.body.state?.tasks.some((t) => t.id === 'call-client' && t.status === 'open')) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect((await http(t.svc.apiUrl, 'POST', `${path}/events`, { type: 'client-unreachable', actor: 'desk-agent' })).status).toBe(200);
    for (let i = 0; i < 150; i++) {
      const r = await http<View>(t.svc.apiUrl, 'GET', path);
      if (r.body.execution.status !== 'RUNNING') break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const late = await http(t.svc.apiUrl, 'POST', `${path}/events`, { type: 'facilitator-arrived' });
    expect(late.status).toBe(409);
    expect(problem(late).detail).toMatch(/closed/);
  });
});

describe('documentation and health', () => {
  it('serves the OpenAPI document with the routes, the docs UI, health and readiness, and the playbooks', async () => {
    const doc = await http<{ openapi: string; paths: Record<string, unknown> }>(t.svc.apiUrl, 'GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/escalations', '/escalations/{id}', '/escalations/{id}/events', '/playbooks', '/healthz', '/readyz']),
    );
    const docs = await fetch(`${t.svc.apiUrl}/docs`);
    expect(docs.status).toBe(200);
    expect((await http(t.svc.apiUrl, 'GET', '/healthz')).status).toBe(200);
    expect((await http(t.svc.apiUrl, 'GET', '/readyz')).status).toBe(200);
    const pb = await http<{ playbooks: { name: string; events: Record<string, unknown> }[] }>(t.svc.apiUrl, 'GET', '/playbooks');
    expect(pb.body.playbooks.map((p) => p.name)).toContain('live-delivery');
    expect(Object.keys(pb.body.playbooks[0]!.events)).toContain('facilitator-arrived');
    const nowhere = await http(t.svc.apiUrl, 'GET', '/no/such/route');
    expect(nowhere.status).toBe(404);
    problem(nowhere);
  });
});
