// live-delivery's main path (seed 000, facilitator no-show): the facilitator does not answer and is
// not online by start + 15 minutes. The session started 14½ minutes ago, so the real 15-minute
// cutoff fires about 30 seconds into the test.
import { facilitatorNoShow } from '../../helpers/fixtures.js';
import { local } from '../harness.js';
import type { PlaybookScenario } from './types.js';

const MIN = 60_000;

export const liveDelivery: PlaybookScenario = {
  playbook: 'live-delivery',
  title: 'live-delivery: facilitator no-show, no answer, cut off at start + 15 min: template 1, ticket, owner DM',
  async run({ api, topology, expect }) {
    const input = facilitatorNoShow(Date.now() - 14.5 * MIN);
    const cutoffAt = Date.parse(input.booking.startTime) + 15 * MIN;

    const created = await api.start('live-delivery', input, 0);
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.body.state?.deadlines).toContainEqual(expect.objectContaining({ name: 'facilitator-cutoff', at: new Date(cutoffAt).toISOString() }));

    // The other instance takes the desk's call outcome.
    await api.until(id, (e) => (e.state?.tasks ?? []).some((t) => t.id.startsWith('call-facilitator') && t.status === 'open'), 30_000, 'with an open call task');
    const noAnswer = await api.event(id, { type: 'facilitator-no-answer', actor: 'desk-agent' }, { via: 1 });
    expect(noAnswer.status).toBe(200);

    // Called off: the desk phones the client first (seed 000); unreachable, so template 1 goes alone.
    await api.until(id, (e) => (e.state?.tasks ?? []).some((t) => t.id === 'call-client' && t.status === 'open'), 120_000, 'calling the client');
    expect((await api.event(id, { type: 'client-unreachable', actor: 'desk-agent' })).status).toBe(200);
    const done = await api.completed(id, 120_000);
    expect(done.state?.outcome).toBe('cancelled-provider');
    const email = local(topology).outbox.list({ escalationId: id, kind: 'email' }).find((r) => r.custom_args.template === 'facilitator-no-show');
    expect(email?.to.map((t) => t.email)).toEqual([input.siteContact.email]);
    // A real timer: the client email left after the cutoff, not before.
    expect(Date.parse(email!.at)).toBeGreaterThanOrEqual(cutoffAt);
    const ticket = local(topology).tickets.tickets().find((t) => t.idempotencyKey === `${id}/service-recovery`);
    expect(ticket?.id).toMatch(/^SR-\d{6}$/);
    const dm = local(topology).outbox.list({ escalationId: id, kind: 'slack' }).find((r) => r.channel.name.startsWith('@'));
    expect(dm?.text).toContain('What happened');
    return [id];
  },
};
