// tech-incident's main path (seed 004): six customers report one problem through both API instances
// at once (start-or-join across two APIs and two workers: one escalation, one report makes it
// critical), the siren tags the on-call group, the on-call lead acknowledges within the 15 minutes
// (deadlines count from the report's arrival at the API, so they cannot start close to passing
// here: the workflow tests skip time through them), posts a status update and resolves it.
import { techReport } from '../../helpers/tech-incident-fixtures.js';
import { local } from '../harness.js';
import type { PlaybookScenario } from './types.js';

interface ReportAnswer {
  id: string;
  opened: boolean;
  result: { report: number; customers: number; criticality: string; madeCritical: boolean };
}

export const techIncident: PlaybookScenario = {
  playbook: 'tech-incident',
  title: 'tech-incident: six reports through both APIs at once join one escalation, siren, acknowledged, status update, resolved',
  async run({ api, topology, expect }) {
    const problemKey = `topology-${Date.now().toString(36)}`;
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        api.start('tech-incident', techReport(i + 1, { problemKey, reportedBy: i % 2 ? 'support-agent-2' : 'support-agent' }), i % 2),
      ),
    );
    const bodies = answers.map((a) => a.body as unknown as ReportAnswer);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(bodies.map((b) => b.id))).toEqual(new Set([`tech-incident:${problemKey}`]));
    expect(bodies.map((b) => b.result.report).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(bodies.filter((b) => b.result.madeCritical)).toHaveLength(1);
    const id = bodies[0]!.id;

    const sirenUp = await api.until(id, (e) => (e.state?.details as { siren?: unknown } | undefined)?.siren != null, 60_000, 'with the siren posted');
    expect(sirenUp.state?.status).toBe('critical');
    const siren = local(topology)
      .outbox.list({ escalationId: id, kind: 'slack' })
      .find((r) => r.channel.id === 'C0CUSTSUCC' && r.method === 'chat.postMessage' && !r.thread_ts);
    expect(siren?.mentions.userGroups).toEqual(['S0ONCALL01']);
    expect(siren?.text).toContain('Betroffen bisher: 6 Kund:innen');
    expect(local(topology).outbox.list({ escalationId: id, kind: 'tracking-row' })).toHaveLength(6);

    const step = async (event: Record<string, unknown>, status: string, via: number) => {
      const r = await api.event<{ status: string }>(id, event, { via });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.status).toBe(status);
    };
    await step({ type: 'acknowledged', actor: 'on-call-lead' }, 'in-progress', 1);
    await step({ type: 'status-update', text: 'Proxy defekt, Fix kommt.', actor: 'on-call-lead' }, 'in-progress', 0);
    await step({ type: 'resolved', summary: 'Proxy getauscht', actor: 'on-call-lead' }, 'resolved', 1);

    const done = await api.completed(id, 60_000);
    expect(done.state?.outcome).toBe('resolved');
    await expect
      .poll(() => local(topology).outbox.list({ escalationId: id, kind: 'slack' }).filter((r) => r.text?.includes('Bitte informiere jetzt deine Kund:innen')).length, {
        timeout: 30_000,
      })
      .toBe(2);
    return [id];
  },
};
