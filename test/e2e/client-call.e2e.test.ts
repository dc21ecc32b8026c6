// client-call end to end: the real dev server, worker and API over HTTP, with the embedded default's
// stand-ins. Bad intake never starts a workflow; a second call from the same client lists the first
// (Temporal visibility by the client's account id); the email path from taken to closed; the search
// attributes carry no personal data.
import { describe, expect, it } from 'vitest';
import type { ClientCallDetails } from '../../workflows/client-call/contract.js';
import type { EscalationState } from '../../workflows/kit/state.js';
import { assigneeKey, clientKey, severityKey } from '../../workflows/kit/search-attributes.js';
import { clientCallInput } from '../helpers/client-call-env.js';
import { escalationPath, http, serviceTestEnv, until, type EscalationAnswer, type Problem } from '../helpers/service.js';

const t = serviceTestEnv();

type State = EscalationState<string, ClientCallDetails>;
type Escalation = EscalationAnswer<State>;
const path = escalationPath;
const event = (id: string, body: Record<string, unknown>) => t.event<State>(id, body);
const slackStep = (id: string, step: string) =>
  t.svc.outbox!.waitFor((x) => x.kind === 'slack' && x.escalationId === id && x.metadata?.event_payload.step === step, 15_000);

describe('client-call over HTTP', () => {
  it('is listed with its input schema, events and templates', async () => {
    const r = await http<{ playbooks: { name: string }[] }>(t.svc.apiUrl, 'GET', '/playbooks');
    expect(r.status).toBe(200);
    const text = JSON.stringify(r.body.playbooks.find((p) => p.name === 'client-call'));
    for (const type of ['assigned', 'cause-identified', 'eta', 'roadblock', 'client-info', 'resolved', 'client-feedback', 'review-done', 'documented']) {
      expect(text).toContain(`"${type}"`);
    }
    const templates = await http<{ templates: { name: string }[] }>(t.svc.apiUrl, 'GET', '/templates');
    expect(templates.body.templates.map((x) => x.name)).toEqual(
      expect.arrayContaining(['client-call-cause', 'client-call-eta', 'client-call-roadblock', 'client-call-follow-up']),
    );
  });

  it('bad intake: 400 naming each field, nothing started', async () => {
    const input = clientCallInput(Date.now(), { preferredContact: 'phone', usualContact: 'nobody-here' });
    delete input.client.phone;
    const r = await http<Problem>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'client-call', input });
    expect(r.status).toBe(400);
    expect(r.contentType).toContain('application/problem+json');
    expect(r.body.errors?.map((e) => e.field)).toEqual(expect.arrayContaining(['/input/usualContact', '/input/client/phone']));
    const noTeam = await http<Problem>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'client-call', input: clientCallInput(Date.now(), { usualContact: 'csm' }) });
    expect(noTeam.status).toBe(400);
    expect(noTeam.body.errors).toEqual([{ in: 'body', field: '/input/usualContact', message: expect.stringContaining("'csm' is in no team") }]);
    const missing = await http(t.svc.apiUrl, 'GET', path(`client-call:${input.client.accountId}`));
    expect(missing.status).toBe(404);
    const listed = await http<{ escalations: Escalation[] }>(t.svc.apiUrl, 'GET', '/escalations?playbook=client-call');
    expect(listed.body.escalations.some((e) => e.id.includes(input.client.accountId))).toBe(false);
  });

  it('the email path from taken to closed; a second call from the same client lists the first with its lessons', async () => {
    const input = clientCallInput(Date.now() - 3 * 60_000, { issue: { ...clientCallInput(0).issue, summary: 'Sign-in fails <after the update>' } });
    // The service's local API key (a tool with every scope) records the call on behalf of the taker.
    const created = await http<Escalation>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'client-call', input: { ...input, reportedBy: 'desk-agent' } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(id).toMatch(new RegExp(`^client-call:${input.client.accountId}-\\d{8}T\\d{4,6}Z$`));
    const opened = await until(
      () => http<Escalation>(t.svc.apiUrl, 'GET', path(id)),
      (x) => Boolean(x.body.state?.timeline.some((e) => e.kind === 'opened')),
    );
    expect(opened.body.state!.timeline.find((e) => e.kind === 'opened')).toMatchObject({ actor: 'tool:local on behalf of desk-agent' });
    const anonymous = await http<Problem>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'client-call', input }, undefined, { token: null });
    expect(anonymous.status).toBe(401);
    const post = await slackStep(id, 'team-post');
    expect(post.kind === 'slack' && post.text).toContain('Sign-in fails &lt;after the update&gt;');
    expect(post.kind === 'slack' && post.text).toContain(`*Has this happened before?* No earlier client-call escalations of ${input.client.accountId}.`);

    // Out of order, and a field missing: 409 and 400.
    expect((await event(id, { type: 'cause-identified', actor: 'account-specialist', cause: 'x', plan: 'y' })).status).toBe(409);
    expect((await event(id, { type: 'assigned', actor: 'account-specialist' })).body.status).toBe('in-progress');
    const noEta = await event(id, { type: 'eta', actor: 'account-specialist' });
    expect(noEta.status).toBe(400);
    expect(noEta.body.errors?.map((e) => e.field)).toContain('/eta');

    let r = await event(id, { type: 'cause-identified', actor: 'account-specialist', cause: 'A token cache kept the expired certificate', plan: 'Flush the cache' });
    expect(r.status).toBe(200);
    const mail = await t.svc.outbox!.waitFor((x) => x.kind === 'email' && x.escalationId === id, 15_000);
    expect(mail.kind === 'email' && mail.to.map((a) => a.email)).toEqual(['dana.client@example.org']);
    expect(mail.kind === 'email' && mail.subject).toBe('Update on your issue: we found the cause (Sign-in fails <after the update>)');

    r = await event(id, { type: 'resolved', actor: 'account-specialist', resolution: 'Cache flushed; sign-in works.', measures: 'The cache now expires with the certificate.' });
    expect(r.body.status).toBe('resolved');
    await t.svc.outbox!.waitFor((x) => x.kind === 'email' && x.escalationId === id && x.custom_args.template === 'client-call-follow-up', 15_000);
    await slackStep(id, 'handover-account-manager');
    // Role rule: only the usual contact or who took the call says the usual contact is back.
    const notTheirs = await event(id, { type: 'usual-contact-back', actor: 'account-specialist' });
    expect(notTheirs.status).toBe(403);
    expect(notTheirs.body.detail).toContain('usual-contact-back-by-contact-or-taker');
    expect((await event(id, { type: 'client-feedback', actor: 'account-specialist', satisfied: true })).status).toBe(200);
    const review = { type: 'review-done', actor: 'client-services-manager', whatWentWrong: 'A stale token cache', prevention: 'Cache bound to the certificate', whyClientNoticedFirst: 'No sign-in probe' };
    expect((await event(id, review)).status).toBe(200);
    r = await event(id, { type: 'documented', actor: 'account-specialist', steps: 'Flush the token cache', recurrence: 'recurring', link: 'https://wiki.example.com/runbooks/token-cache' });
    expect(r.body.status).toBe('closed');
    const done = await until(
      () => http<Escalation>(t.svc.apiUrl, 'GET', path(id)),
      (x) => x.body.execution.status === 'COMPLETED',
    );
    expect(done.body.state?.outcome).toBe('resolved');
    const closedList = await until(
      () => http<{ escalations: Escalation[] }>(t.svc.apiUrl, 'GET', '/escalations?playbook=client-call&status=closed'),
      (x) => x.body.escalations.some((e) => e.id === id),
    );
    expect(closedList.body.escalations.map((e) => e.id)).toContain(id);

    // Search attributes: the account id, the severity and the assignee's key; no names or addresses.
    const described = await t.svc.client.workflow.getHandle(id).describe();
    expect(described.typedSearchAttributes.get(clientKey)).toBe(input.client.accountId);
    expect(described.typedSearchAttributes.get(severityKey)).toBe('critical');
    expect(described.typedSearchAttributes.get(assigneeKey)).toBe('account-specialist');
    const attributes = JSON.stringify(described.typedSearchAttributes);
    for (const personal of [input.client.callerName, input.client.email!, input.client.accountName]) expect(attributes).not.toContain(personal);
    expect(await described.staticSummary()).toBe(`client-call: ${input.client.accountName} (${input.client.accountId}): Sign-in fails <after the update>, critical`);

    // The same client calls again: the first call, its root cause and documentation are listed.
    const again = clientCallInput(Date.now(), { client: { ...input.client }, issue: { ...input.issue, summary: 'Sign-in fails again' } });
    const second = await http<Escalation>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'client-call', input: again });
    expect(second.status).toBe(201);
    const looked = await until(
      () => http<Escalation>(t.svc.apiUrl, 'GET', path(second.body.id)),
      (x) => x.body.state?.details.earlier !== null && x.body.state?.details.earlier !== undefined,
    );
    expect(looked.body.state!.details.earlier).toEqual({
      total: 1,
      escalations: [
        expect.objectContaining({
          id,
          execution: 'COMPLETED',
          status: 'closed',
          summary: `client-call: ${input.client.accountName} (${input.client.accountId}): Sign-in fails <after the update>, critical`,
          lessons: { rootCause: 'A stale token cache', recurrence: 'recurring', steps: 'Flush the token cache', link: 'https://wiki.example.com/runbooks/token-cache' },
        }),
      ],
    });
    const secondPost = await slackStep(second.body.id, 'team-post');
    const text = secondPost.kind === 'slack' ? (secondPost.text ?? '') : '';
    expect(text).toContain(`*Has this happened before?* 1 earlier client-call escalation(s) of ${input.client.accountId}`);
    expect(text).toContain(`• ${id}: `);
    expect(text).toContain('Root cause: A stale token cache');
    expect(text).toContain('Documented (recurring): Flush the token cache <https://wiki.example.com/runbooks/token-cache|documentation>');
    expect((await event(second.body.id, { type: 'cancelled', actor: 'desk-agent', reason: 'test done' })).body.status).toBe('cancelled');
  });
});
