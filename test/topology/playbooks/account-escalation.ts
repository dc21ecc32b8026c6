// account-escalation's main path (seed 002): an explicit complaint escalated 23 h 59 min 20 s ago,
// so the real 24-hour meeting deadline passes about 40 seconds into the test (TL and manager told);
// then a note, an offer, finance approval and the customer's acceptance: closed-retained.
import { accountEscalationInput } from '../../helpers/account-fixtures.js';
import { local } from '../harness.js';
import type { PlaybookScenario } from './types.js';

const HOUR = 3_600_000;

export const accountEscalation: PlaybookScenario = {
  playbook: 'account-escalation',
  title: 'account-escalation: explicit complaint, 24-hour meeting deadline passes, finance approves, customer accepts: closed-retained',
  async run({ api, topology, expect }) {
    const escalatedAt = Date.now() - 24 * HOUR + 40_000;
    const input = accountEscalationInput(escalatedAt, { explicit: true });
    const created = await api.start('account-escalation', input, 1);
    expect(created.status).toBe(201);
    const id = created.body.id;

    // The case is opened in the CRM stand-in.
    const withCase = await api.until(id, (e) => Boolean((e.state?.details as { case?: { number?: string } })?.case?.number), 60_000, 'with a case number');
    const caseNumber = (withCase.state!.details as { case: { number: string } }).case.number;
    expect(local(topology).cases.case(caseNumber)?.escalationId).toBe(id);

    // The meeting deadline passes at escalatedAt + 24 h, for real.
    const dueAt = escalatedAt + 24 * HOUR;
    const isMissed = (t: { kind: string; data?: Record<string, unknown> }) => t.kind === 'deadline-missed' && t.data?.deadline === 'meeting-deadline';
    const missed = await api.until(id, (e) => (e.state?.timeline ?? []).some(isMissed), 120_000, 'past its meeting deadline');
    const passed = missed.state!.timeline.find(isMissed)!;
    expect(Date.parse(passed.at)).toBeGreaterThanOrEqual(dueAt);
    await expect
      .poll(() => local(topology).outbox.list({ escalationId: id, kind: 'slack' }).filter((r) => String(r.metadata?.event_payload.step).startsWith('meeting-missed')).length, { timeout: 30_000 })
      .toBeGreaterThan(0);

    const step = async (event: Record<string, unknown>, status: string, via: number) => {
      const r = await api.event<{ status: string }>(id, event, { via });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.status).toBe(status);
    };
    await step({ type: 'note', actor: 'csm', text: 'Customer wants a discount on the renewal.' }, 'open', 0);
    await step({ type: 'resolution-proposed', actor: 'csm', offer: '15% off for 3 months' }, 'pending-finance', 1);
    await step({ type: 'finance-approved', actor: 'accounting-analyst' }, 'approved', 0);
    await step({ type: 'customer-accepted', actor: 'csm' }, 'closed-retained', 1);

    const done = await api.completed(id, 60_000);
    expect(done.state?.outcome).toBe('retained');
    await expect.poll(() => local(topology).cases.case(caseNumber)?.status, { timeout: 30_000 }).toBe('closed-retained');
    return [id];
  },
};
