// client-call's main path (seed 003): a critical call that came in 14½ minutes ago, so the real
// 15-minute take-by deadline passes about 30 seconds into the test and the team's first manager is
// asked; the manager hands it to a specialist, the client hears the cause by email, then the
// resolution with the follow-up, the handover goes out (the usual contact is available), and the
// review and the documentation close it.
import { clientCallInput } from '../../helpers/client-call-fixtures.js';
import { local } from '../harness.js';
import type { PlaybookScenario } from './types.js';

const MIN = 60_000;

export const clientCall: PlaybookScenario = {
  playbook: 'client-call',
  title: 'client-call: critical, nobody takes it in 15 min: first manager asked, assigns; cause and follow-up emailed, handed over, reviewed, documented: closed',
  async run({ api, topology, expect }) {
    const input = clientCallInput(Date.now() - 14.5 * MIN);
    const takeBy = Date.parse(input.callAt) + 15 * MIN;
    const created = await api.start('client-call', input, 0);
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.body.state?.deadlines).toContainEqual(expect.objectContaining({ name: 'take-by', at: new Date(takeBy).toISOString() }));

    // The take-by deadline passes for real: the first manager is asked.
    const passed = (t: { kind: string; data?: Record<string, unknown> }) => t.kind === 'deadline-passed' && t.data?.deadline === 'take-by';
    const late = await api.until(id, (e) => (e.state?.timeline ?? []).some(passed), 120_000, 'past its take-by deadline');
    expect(Date.parse(late.state!.timeline.find(passed)!.at)).toBeGreaterThanOrEqual(takeBy);
    const stepOf = (r: { metadata?: { event_payload: Record<string, unknown> } | null }) => String(r.metadata?.event_payload.step ?? '');
    await expect
      .poll(() => local(topology).outbox.list({ escalationId: id, kind: 'slack' }).some((r) => stepOf(r).startsWith('take-call-client-services-manager')), { timeout: 30_000 })
      .toBe(true);

    const step = async (event: Record<string, unknown>, status: string, via: number) => {
      const r = await api.event<{ status: string }>(id, event, { via });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.status).toBe(status);
    };
    await step({ type: 'assigned', actor: 'client-services-manager', assignee: 'account-specialist' }, 'in-progress', 1);
    await step({ type: 'cause-identified', actor: 'account-specialist', cause: 'An expired certificate', plan: 'Renew it today' }, 'in-progress', 0);
    await step({ type: 'resolved', actor: 'account-specialist', resolution: 'Certificate renewed', measures: 'Automatic renewal' }, 'resolved', 1);
    await api.until(id, (e) => (e.state?.details as { handover?: { state?: string } })?.handover?.state === 'done', 60_000, 'handed over');
    await step({ type: 'client-feedback', actor: 'account-specialist', satisfied: true }, 'resolved', 0);
    await step(
      { type: 'review-done', actor: 'client-services-manager', whatWentWrong: 'Manual renewal', prevention: 'Automatic renewal', whyClientNoticedFirst: 'No expiry alert' },
      'resolved',
      1,
    );
    await step({ type: 'documented', actor: 'account-specialist', steps: 'Renew the certificate', recurrence: 'one-off' }, 'closed', 0);

    const done = await api.completed(id, 60_000);
    expect(done.state?.outcome).toBe('resolved');
    const templates = local(topology)
      .outbox.list({ escalationId: id, kind: 'email' })
      .map((r) => (r.kind === 'email' ? r.custom_args.template : ''));
    expect(templates.sort()).toEqual(['client-call-cause', 'client-call-follow-up']);
    return [id];
  },
};
