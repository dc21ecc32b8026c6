// What an operator reads from the API at a glance (issue 16): the list answers from visibility with
// each escalation's status, playbook, business time, summary and next deadline (item 7), and a start
// answer never claims a state the first workflow task already left behind (item 8). Real dev server,
// worker and API.
import { describe, expect, it } from 'vitest';
import type { EscalationListItem, EscalationView } from '../../src/escalations/service.js';
import { facilitatorNoShow } from '../helpers/fixtures.js';
import { http, serviceTestEnv, until } from '../helpers/service.js';

const MIN = 60_000;
const t = serviceTestEnv();

describe('GET /escalations (item 7)', () => {
  it('answers each escalation from visibility: status, playbook, business time, summary, next deadline', async () => {
    const start = new Date(Math.ceil((Date.now() + 20 * MIN) / MIN) * MIN);
    const input = facilitatorNoShow(start.getTime());
    const created = await http<EscalationView>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const cutoff = new Date(start.getTime() + 15 * MIN).toISOString();

    const listed = await until(
      () => http<{ escalations: EscalationListItem[] }>(t.svc.apiUrl, 'GET', '/escalations?playbook=live-delivery&status=awaiting-facilitator'),
      (r) => r.body.escalations.some((e) => e.id === id && e.nextDeadline !== null),
    );
    const item = listed.body.escalations.find((e) => e.id === id)!;
    expect(item).toMatchObject({
      id,
      playbook: 'live-delivery',
      status: 'awaiting-facilitator',
      businessTime: start.toISOString(),
      nextDeadline: cutoff,
      execution: { status: 'RUNNING' },
    });
    expect(item.summary).toMatch(new RegExp(`^live-delivery: facilitator-no-show: "Leading Essentials" \\(booking ${input.booking.id}\\), start `));
    expect(item).not.toHaveProperty('state');

    // After the outcome: the final status, no next deadline.
    await http(t.svc.apiUrl, 'POST', `/escalations/${encodeURIComponent(id)}/events`, { type: 'facilitator-arrived', actor: 'desk-agent' });
    const done = await until(
      () => http<{ escalations: EscalationListItem[] }>(t.svc.apiUrl, 'GET', '/escalations?playbook=live-delivery&status=delivered'),
      (r) => r.body.escalations.some((e) => e.id === id && e.nextDeadline === null),
    );
    expect(done.body.escalations.find((e) => e.id === id)).toMatchObject({ status: 'delivered', nextDeadline: null });
  });

  it('every item has the visibility fields and no per-workflow state', async () => {
    const r = await http<{ escalations: EscalationListItem[] }>(t.svc.apiUrl, 'GET', '/escalations?limit=500');
    expect(r.status).toBe(200);
    for (const e of r.body.escalations) {
      expect(Object.keys(e).sort()).toEqual(['businessTime', 'execution', 'id', 'nextDeadline', 'playbook', 'status', 'summary']);
    }
  });
});

// The state comes with the start only when asked for (the default answer is id, run and links).
const representation = { headers: { prefer: 'return=representation' } };

describe('the start answer (item 8)', () => {
  it('an escalation started after its cutoff: the answer is the decision, or says plainly it is being decided', async () => {
    const input = facilitatorNoShow(Date.now() - 20 * MIN);
    const created = await http<EscalationView>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input }, undefined, representation);
    expect(created.status).toBe(201);
    const state = created.body.state;
    if (state === null) return; // no worker answered in time: the answer claims no state at all
    if (state.outcome === null) {
      // Not decided yet: it says so, rather than "awaiting-facilitator" as if the cutoff were ahead.
      expect(state.deciding).toBe(true);
      expect(state.deadlines.every((d) => Date.parse(d.at) < Date.now())).toBe(true);
    } else {
      expect(state.outcome).toBe('cancelled-provider');
      expect(state.deciding).toBe(false);
    }
    const read = await until(
      () => http<EscalationView>(t.svc.apiUrl, 'GET', `/escalations/${encodeURIComponent(created.body.id)}`),
      (r) => r.body.state?.outcome != null,
    );
    expect(read.body.state).toMatchObject({ outcome: 'cancelled-provider', deciding: false });
  });

  it('an escalation whose cutoff is ahead is not deciding', async () => {
    const created = await http<EscalationView>(t.svc.apiUrl, 'POST', '/escalations', {
      playbook: 'live-delivery',
      input: facilitatorNoShow(Date.now() + 20 * MIN),
    }, undefined, representation);
    expect(created.status).toBe(201);
    expect(created.body.state).toMatchObject({ status: 'awaiting-facilitator', deciding: false, outcome: null });
  });
});
