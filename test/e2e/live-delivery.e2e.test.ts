// End to end: the real dev server, the real worker and the API over HTTP; messages checked at the
// stand-ins. Deadlines here are not skipped (the dev server runs in real time), so the session's
// start is placed so that the cutoff has passed or lies far ahead.
import { describe, expect, it } from 'vitest';
import { facilitatorNoShow, liveDeliveryInput } from '../helpers/fixtures.js';
import { http, serviceTestEnv, until } from '../helpers/service.js';

const MIN = 60_000;
const t = serviceTestEnv();

interface Escalation {
  id: string;
  playbook: string;
  execution: { status: string };
  state: {
    status: string;
    outcome: string | null;
    deadlines: { name: string; at: string }[];
    timeline: { kind: string }[];
    tasks: { id: string; status: string }[];
    details: Record<string, unknown>;
  } | null;
}

/**
 * Once the session is called off the desk phones the client first (seed 000): waits for that call
 * task and reports its outcome, as the desk's Slack button does.
 */
async function reportClientCall(id: string, type: 'client-informed' | 'client-unreachable') {
  const path = `/escalations/${encodeURIComponent(id)}`;
  const calling = await until(
    () => http<Escalation>(t.svc.apiUrl, 'GET', path),
    (r) => (r.body.state?.tasks ?? []).some((t) => t.id === 'call-client' && t.status === 'open'),
    15_000,
  );
  expect(calling.body.state?.tasks.find((t) => t.id === 'call-client')?.status).toBe('open');
  expect(t.svc.outbox!.list({ escalationId: id, kind: 'email' })).toHaveLength(0);
  const r = await http(t.svc.apiUrl, 'POST', `${path}/events`, { type, actor: 'desk-agent' });
  expect(r.status).toBe(200);
}

describe('live-delivery over HTTP', () => {
  it('starts an escalation, takes facilitator-arrived, reads the state, and the owner was tagged in Slack', async () => {
    const input = facilitatorNoShow(Date.now() + 10 * MIN);
    // The start answers as soon as Temporal has the workflow: id, run and links, no state.
    const created = await http<{ id: string; runId: string; links: { self: string; events: string } }>(t.svc.apiUrl, 'POST', '/escalations', {
      playbook: 'live-delivery',
      input,
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(id).toBe(`live-delivery:${input.booking.id}-facilitator-no-show`);
    expect(created.body).toEqual({
      id,
      playbook: 'live-delivery',
      runId: expect.any(String),
      links: { self: `/escalations/${encodeURIComponent(id)}`, events: `/escalations/${encodeURIComponent(id)}/events` },
    });
    expect(created.headers.get('location')).toBe(created.body.links.self);

    const alert = await t.svc.outbox!.waitFor((r) => r.kind === 'slack' && r.escalationId === id, 10_000);
    expect(alert.kind === 'slack' && alert.mentions.users).toContain('U0MORGAN01');

    // A repeat names the same escalation; Prefer: return=representation answers it with its state.
    const again = await http<Escalation>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input }, undefined, {
      headers: { prefer: 'return=representation' },
    });
    expect(again.status).toBe(200);
    expect(again.headers.get('preference-applied')).toBe('return=representation');
    expect(again.body.id).toBe(id);
    expect(again.body.state?.deadlines[0]).toMatchObject({
      name: 'facilitator-cutoff',
      at: new Date(Date.parse(input.booking.startTime) + 15 * MIN).toISOString(),
    });

    const event = await http<Escalation['state']>(t.svc.apiUrl, 'POST', `/escalations/${encodeURIComponent(id)}/events`, {
      type: 'facilitator-arrived',
      actor: 'desk-agent',
    });
    expect(event.status).toBe(200);
    expect(event.body?.outcome).toBe('delivered');
    // By default the answer is what the event changed (the update's compact result), not the whole state.
    expect(event.body).not.toHaveProperty('details');
    expect(event.body?.timeline[0]?.kind).toBe('event:facilitator-arrived');

    const done = await until(
      () => http<Escalation>(t.svc.apiUrl, 'GET', `/escalations/${encodeURIComponent(id)}`),
      (r) => r.body.execution.status === 'COMPLETED',
    );
    expect(done.body.execution.status).toBe('COMPLETED');
    expect(done.body.state?.outcome).toBe('delivered');
    expect(t.svc.outbox!.list({ escalationId: id, kind: 'email' })).toHaveLength(0);

    const late = await http(t.svc.apiUrl, 'POST', `/escalations/${encodeURIComponent(id)}/events`, { type: 'facilitator-arrived' });
    expect(late.status).toBe(409);
    expect(late.contentType).toContain('application/problem+json');
  });

  it('a session that started 16 minutes ago cuts off at once; the client is phoned, unreachable, and emailed template 1', async () => {
    const input = facilitatorNoShow(Date.now() - 16 * MIN);
    const created = await http<Escalation>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await reportClientCall(id, 'client-unreachable');
    const email = await t.svc.outbox!.waitFor((r) => r.kind === 'email' && r.escalationId === id, 15_000);
    if (email.kind !== 'email') throw new Error('expected an email');
    expect(email.to[0]?.email).toBe(input.siteContact.email);
    expect(email.cc.map((c) => c.email).sort()).toEqual(['morgan.owner@example.com', 'riley.lead@example.com']);
    expect(email.subject).toContain('Session unable to go ahead');
    expect(email.text).not.toContain('on the phone');
    expect(email.text).toContain('Sam Desk');

    const done = await until(
      () => http<Escalation>(t.svc.apiUrl, 'GET', `/escalations/${encodeURIComponent(id)}`),
      (r) => r.body.execution.status === 'COMPLETED',
    );
    expect(done.body.state?.outcome).toBe('cancelled-provider');

    const listed = await until(
      () => http<{ escalations: Escalation[] }>(t.svc.apiUrl, 'GET', '/escalations?playbook=live-delivery&status=cancelled'),
      (r) => r.body.escalations.some((e) => e.id === id),
    );
    expect(listed.body.escalations.map((e) => e.id)).toContain(id);
  });

  it('participant no-show: client unreachable (template 2), then reached and the session is off (template 3)', async () => {
    const input = liveDeliveryInput('participant-no-show', Date.now() - 5 * MIN);
    const created = await http<Escalation>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input }, undefined, {
      headers: { prefer: 'return=representation' },
    });
    expect(created.status).toBe(201);
    expect(created.body.state?.status).toBe('awaiting-participants');
    const path = `/escalations/${encodeURIComponent(created.body.id)}`;
    const events = (body: unknown) => http<Escalation['state']>(t.svc.apiUrl, 'POST', `${path}/events`, body);
    const id = created.body.id;

    expect((await events({ type: 'client-unreachable', actor: 'desk-agent' })).status).toBe(200);
    const t2 = await t.svc.outbox!.waitFor((r) => r.kind === 'email' && r.escalationId === id, 15_000);
    expect(t2.kind === 'email' && t2.custom_args.template).toBe('participant-no-show');

    const off = await events({ type: 'client-reached', participants: 'cancel' });
    expect(off.body?.outcome).toBe('cancelled-client');
    const t3 = await t.svc.outbox!.waitFor(
      (r) => r.kind === 'email' && r.escalationId === id && r.custom_args.template === 'session-cancelled-after-call',
      15_000,
    );
    expect(t3.kind === 'email' && t3.to[0]?.email).toBe(input.siteContact.email);
    const done = await until(
      () => http<Escalation>(t.svc.apiUrl, 'GET', path),
      (r) => r.body.execution.status === 'COMPLETED',
    );
    expect(done.body.state?.details.ticketId).toBeNull();
  });

  it('tech issue: an event for another issue type is a 400, tech-resolved delivers; an unresolved one: the client is told on the phone, template 5 follows as its record, a ticket', async () => {
    const resolved = liveDeliveryInput('tech-issue', Date.now());
    const a = await http<Escalation>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input: resolved });
    const pathA = `/escalations/${encodeURIComponent(a.body.id)}`;
    const wrong = await http(t.svc.apiUrl, 'POST', `${pathA}/events`, { type: 'participants-arrived' });
    expect(wrong.status).toBe(400);
    expect(wrong.contentType).toContain('application/problem+json');
    const ok = await http<Escalation['state']>(t.svc.apiUrl, 'POST', `${pathA}/events`, { type: 'tech-resolved' });
    expect(ok.body?.outcome).toBe('delivered');

    const unresolved = liveDeliveryInput('tech-issue', Date.now() - 20 * MIN);
    const b = await http<Escalation>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input: unresolved });
    await reportClientCall(b.body.id, 'client-informed');
    const t5 = await t.svc.outbox!.waitFor((r) => r.kind === 'email' && r.escalationId === b.body.id, 15_000);
    expect(t5.kind === 'email' && t5.subject).toContain('Reschedule');
    expect(t5.kind === 'email' && t5.text).toContain('Thank you for your time on the phone just now');
    const done = await until(
      () => http<Escalation>(t.svc.apiUrl, 'GET', `/escalations/${encodeURIComponent(b.body.id)}`),
      (r) => r.body.execution.status === 'COMPLETED',
    );
    expect(done.body.state?.outcome).toBe('cancelled-provider');
    expect(done.body.state?.details.ticketId).toMatch(/^SR-\d+$/);
    const dm = t.svc.outbox!.list({ escalationId: b.body.id, kind: 'slack' }).find((r) => r.kind === 'slack' && r.channel.name.startsWith('@'));
    expect(dm?.kind === 'slack' && dm.text).toContain('What happened');
  });
});
