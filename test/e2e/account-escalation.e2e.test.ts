// account-escalation end to end: the real dev server, worker and API over HTTP, with the embedded
// default's stand-ins (Slack, SendGrid, case target). The finance-approval path from start to
// closed-retained; bad churn coding never starts a workflow and is refused as an event, naming the field.
import { describe, expect, it } from 'vitest';
import type { AccountEscalationDetails } from '../../workflows/account-escalation/workflow.js';
import type { EscalationState, EventResult } from '../../workflows/kit/state.js';
import { accountEscalationInput } from '../helpers/account-fixtures.js';
import { escalationPath, http, serviceTestEnv, until, type EscalationAnswer, type Problem } from '../helpers/service.js';

const t = serviceTestEnv();

type State = EscalationState<string, AccountEscalationDetails>;
type Escalation = EscalationAnswer<State>;
const path = escalationPath;
const event = (id: string, body: Record<string, unknown>) => t.event<State>(id, body);

describe('account-escalation over HTTP', () => {
  it('is listed with its input schema and events', async () => {
    const r = await http<{ playbooks: { name: string; events: { type: string }[] | Record<string, unknown> }[] }>(t.svc.apiUrl, 'GET', '/playbooks');
    expect(r.status).toBe(200);
    const text = JSON.stringify(r.body);
    expect(text).toContain('account-escalation');
    for (const type of ['resolution-proposed', 'finance-approved', 'finance-denied', 'customer-rejected', 'churned']) expect(text).toContain(type);
  });

  it('finance approval path: case + FMC channel, offer denied, re-proposed, approved, accepted -> closed-retained', async () => {
    const input = accountEscalationInput(Date.now(), {
      account: { ...accountEscalationInput(0).account, fmc: true, name: 'Example Wellness Group' },
    });
    const created = await http<Escalation>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'account-escalation', input });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(id).toMatch(new RegExp(`^account-escalation:${input.account.id}-\\d{8}T\\d{4,6}Z$`));

    // Same input again: the same escalation.
    const again = await http<Escalation>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'account-escalation', input });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(id);

    // The case in the CRM stand-in and the FMC channel post with its number.
    const withCase = await until(
      () => http<Escalation>(t.svc.apiUrl, 'GET', path(id)),
      (r) => Boolean(r.body.state?.details.case.number && r.body.state.details.slackChannel),
    );
    const caseNumber = withCase.body.state!.details.case.number!;
    expect(caseNumber).toMatch(/^CASE-\d{6}$/);
    expect(t.svc.caseTarget!.case(caseNumber)?.escalationId).toBe(id);
    const post = await t.svc.outbox!.waitFor(
      (r) => r.kind === 'slack' && r.escalationId === id && r.metadata?.event_payload.step === 'fmc-channel-details',
      10_000,
    );
    expect(post.kind === 'slack' && post.text).toContain(caseNumber);
    expect(post.kind === 'slack' && post.channel.name).toBe('esc-example-wellness-group');

    // A note for today.
    expect((await event(id, { type: 'note', actor: 'csm', text: 'Customer wants a discount on the renewal.' })).status).toBe(200);

    // Round 1: denied.
    let r = await event(id, { type: 'resolution-proposed', actor: 'csm', offer: '25% off for 3 months', mrrAfter: { amount: 3150 } });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('pending-finance');
    const listed = await until(
      () => http<{ escalations: Escalation[] }>(t.svc.apiUrl, 'GET', '/escalations?playbook=account-escalation&status=pending-finance'),
      (x) => x.body.escalations.some((e) => e.id === id),
    );
    expect(listed.body.escalations.map((e) => e.id)).toContain(id);
    const request = await t.svc.outbox!.waitFor(
      (x) => x.kind === 'slack' && x.escalationId === id && x.metadata?.event_payload.step === 'finance-request-1',
      10_000,
    );
    expect(request.kind === 'slack' && request.mentions.userGroups).toContain('S0ACCOUNT1');

    // Accounting's decision that makes no sense yet, or a denial without its reason.
    expect((await event(id, { type: 'customer-accepted', actor: 'csm' })).status).toBe(409);
    const noReason = await event(id, { type: 'finance-denied', actor: 'accounting-analyst' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors?.map((e) => e.field)).toContain('/reason');

    r = await event(id, { type: 'finance-denied', actor: 'accounting-analyst', reason: 'Over the 15% limit' });
    expect(r.body.status).toBe('denied');

    // Round 2: approved, then the customer accepts.
    expect((await event(id, { type: 'resolution-proposed', actor: 'cs-team-lead', offer: '15% off for 3 months' })).body.status).toBe('pending-finance');
    r = await event(id, { type: 'finance-approved', actor: 'accounting-analyst' });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('approved');
    await t.svc.outbox!.waitFor(
      (x) => x.kind === 'slack' && x.escalationId === id && x.metadata?.event_payload.step === 'finance-approved-2-csm',
      10_000,
    );
    r = await event(id, { type: 'customer-accepted', actor: 'csm' });
    expect(r.body.status).toBe('closed-retained');

    const done = await until(
      () => http<Escalation>(t.svc.apiUrl, 'GET', path(id)),
      (x) => x.body.execution.status === 'COMPLETED',
    );
    expect(done.body.state?.outcome).toBe('retained');
    expect(done.body.state?.details.proposals.map((p) => p.finance?.decision)).toEqual(['denied', 'approved']);
    const closedList = await until(
      () => http<{ escalations: Escalation[] }>(t.svc.apiUrl, 'GET', '/escalations?playbook=account-escalation&status=closed-retained'),
      (x) => x.body.escalations.some((e) => e.id === id),
    );
    expect(closedList.body.escalations.map((e) => e.id)).toContain(id);
    const kase = await until(
      async () => t.svc.caseTarget!.case(caseNumber)!,
      (c) => c.status === 'closed-retained',
    );
    expect(kase.notes.map((n) => n.kind)).toEqual(expect.arrayContaining(['escalation-note', 'resolution', 'finance', 'closure']));

    // Closed: no more events.
    const late = await event(id, { type: 'note', text: 'after the end' });
    expect(late.status).toBe(409);
    expect(late.contentType).toContain('application/problem+json');
  });

  it('churn coding whose secondary reason belongs to another primary: 400 naming the field, no workflow', async () => {
    const input = accountEscalationInput(Date.now(), { churn: { primary: 'service', secondary: ['slow-response', 'hidden-fees'] } });
    const r = await http<Problem>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'account-escalation', input });
    expect(r.status).toBe(400);
    expect(r.contentType).toContain('application/problem+json');
    expect(r.body.errors).toEqual([
      { in: 'body', field: '/input/churn/secondary/1', message: expect.stringContaining("'hidden-fees' is not a secondary reason of 'service'") },
    ]);
    const unknown = await http<Problem>(t.svc.apiUrl, 'POST', '/escalations', {
      playbook: 'account-escalation',
      input: { ...input, churn: { primary: 'weather', secondary: ['rain'] } },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.map((e) => e.field)).toEqual(expect.arrayContaining(['/input/churn/primary', '/input/churn/secondary/0']));
    const missing = await http(t.svc.apiUrl, 'GET', `/escalations/${encodeURIComponent(`account-escalation:${input.account.id}`)}`);
    expect(missing.status).toBe(404);
  });

  it('churned event with a mismatched coding: 400 naming /churn/secondary; with a valid one: closed-churned', async () => {
    const input = accountEscalationInput(Date.now(), { trigger: 'past-due', churn: { primary: 'price', secondary: ['past-due'] } });
    const created = await http<Escalation>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'account-escalation', input });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const bad = await event(id, { type: 'churned', actor: 'csm', churn: { primary: 'customer', secondary: ['bankruptcy', 'too-expensive'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('/churn/secondary/1');
    expect(bad.body.detail).toContain("'too-expensive' is not a secondary reason of 'customer'");
    // The whole state after the event (Prefer: return=representation), not only what the event changed.
    const ok = await http<State & Problem>(
      t.svc.apiUrl,
      'POST',
      `${path(id)}/events`,
      { type: 'churned', actor: 'csm', churn: { primary: 'customer', secondary: ['bankruptcy'] } },
      undefined,
      { headers: { prefer: 'return=representation' } },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('closed-churned');
    expect(ok.body.details.closure?.churn).toEqual({ primary: 'customer', secondary: ['bankruptcy'] });
  });

  it('150 notes from 12 concurrent clients: every accepted note reaches the case; the rest are refused up front (429), never accepted and dropped', async () => {
    const created = await http<Escalation>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'account-escalation', input: accountEscalationInput(Date.now()) });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const withCase = await until(
      () => http<Escalation>(t.svc.apiUrl, 'GET', path(id)),
      (r) => Boolean(r.body.state?.details.case.number),
    );
    const caseNumber = withCase.body.state!.details.case.number!;
    const texts = Array.from({ length: 150 }, (_, i) => `Concurrent note ${i + 1}`);
    const statuses = new Map<number, number>();
    const accepted: string[] = [];
    const refusedOnce = new Set<string>();
    // 12 clients share the 150 notes, each note with its own Idempotency-Key. A client that is refused
    // (429: the case notes queue is full) or not answered in time (503: no worker took it within
    // API_WORKER_WAIT_MS on a loaded machine; it may still be applied) sends the same note with the
    // same key again after Retry-After: applied once either way.
    let next = 0;
    const client = async () => {
      for (let i = next++; i < texts.length; i = next++) {
        const headers = { 'idempotency-key': `note-${id}-${i}` };
        for (let attempt = 0; attempt < 60; attempt++) {
          const r = await http<State & Problem>(t.svc.apiUrl, 'POST', `${path(id)}/events`, { type: 'note', actor: 'csm', text: texts[i]! }, undefined, { headers });
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.status === 200) {
            accepted.push(texts[i]!);
            break;
          }
          expect([429, 503]).toContain(r.status);
          expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
          if (r.status === 429) refusedOnce.add(texts[i]!);
          await new Promise((res) => setTimeout(res, 500));
        }
      }
    };
    await Promise.all(Array.from({ length: 12 }, client));
    expect([...statuses.keys()].every((code) => code === 200 || code === 429 || code === 503)).toBe(true);
    expect(accepted).toHaveLength(150);
    // Every accepted note reaches the CRM case, and nothing was dropped on the way.
    await until(
      async () => t.svc.caseTarget!.case(caseNumber)!.notes.filter((n) => n.kind === 'escalation-note').length,
      (n) => n === 150,
      120_000,
    );
    const notes = t.svc.caseTarget!.case(caseNumber)!.notes.filter((n) => n.kind === 'escalation-note').map((n) => n.text);
    expect(notes).toHaveLength(150); // none twice: a retried note applied once
    expect(new Set(notes)).toEqual(new Set(texts));
    // 150 notes make the run's history pass MAX_RUN_EVENTS: it continues as new once they are in.
    // Every note sent again with its key (as a client that lost the answer would) is answered 200
    // by the next run from the run that applied it, and applied nothing.
    await until(
      () => http<Escalation>(t.svc.apiUrl, 'GET', path(id)),
      (r) => (r.body.state?.details.runs.length ?? 0) >= 1,
      120_000,
    );
    for (let i = 0; i < texts.length; i += 10) {
      const r = await http<EventResult>(t.svc.apiUrl, 'POST', `${path(id)}/events`, { type: 'note', actor: 'csm', text: texts[i]! }, undefined, {
        headers: { 'idempotency-key': `note-${id}-${i}` },
      });
      expect(r.status).toBe(200);
      expect(r.body).not.toHaveProperty('appliedInRun');
      expect(r.body.timeline[0]).toMatchObject({ kind: 'event:note', data: { text: texts[i] } }); // the first answer
    }
    const final = await http<Escalation>(t.svc.apiUrl, 'GET', path(id));
    expect(t.svc.caseTarget!.case(caseNumber)!.notes.filter((n) => n.kind === 'escalation-note')).toHaveLength(150);
    expect(final.body.state!.timeline.filter((e) => e.kind === 'step-failed')).toEqual([]);
    expect(final.body.state!.details.pendingCaseNotes).toEqual([]);
    expect((await event(id, { type: 'churned', actor: 'csm' })).status).toBe(200);
    // Once closed, a retry of a note the first run applied (and the closing run only carried) still
    // answers its first answer; the same key with another body is a 422; a new note is a 409.
    await until(() => t.svc.client.workflow.getHandle(id).describe(), (d) => d.status.name !== 'RUNNING', 60_000);
    const retry = (text: string, key: string) =>
      http<EventResult & Problem>(t.svc.apiUrl, 'POST', `${path(id)}/events`, { type: 'note', actor: 'csm', text }, undefined, { headers: { 'idempotency-key': key } });
    const late = await retry(texts[5]!, `note-${id}-5`);
    expect(late.status).toBe(200);
    expect(late.body.timeline[0]).toMatchObject({ kind: 'event:note', data: { text: texts[5] } });
    expect((await retry('Another text', `note-${id}-5`)).status).toBe(422);
    expect((await retry('A new note', `note-${id}-new`)).status).toBe(409);
    expect(t.svc.caseTarget!.case(caseNumber)!.notes.filter((n) => n.kind === 'escalation-note')).toHaveLength(150);
  }, 240_000);
});
