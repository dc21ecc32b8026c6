// gameday-issue's path through the production topology (seed 001). The example directory's event
// (northwind-summit-2026) has already ended on any day this runs, so the issue is flagged "raised
// after the event" (posted without @here, not part of the summary); the path from there is the main
// one: acknowledged by client success, escalated to tech support, resolved, closed. The ladders'
// deadlines are covered at their real durations by test/workflows/gameday-issue.test.ts.
import { gamedayIssueInput } from '../../helpers/gameday.js';
import { local } from '../harness.js';
import type { PlaybookScenario } from './types.js';

const MIN = 60_000;

export const gamedayIssue: PlaybookScenario = {
  playbook: 'gameday-issue',
  title: 'gameday-issue: raised, acknowledged, escalated to tech support, resolved: closed, every post in the thread',
  async run({ api, topology, expect }) {
    const created = await api.start('gameday-issue', gamedayIssueInput(Date.now() - 2 * MIN), 0);
    expect(created.status).toBe(201);
    const id = created.body.id;
    await api.until(id, (e) => e.state?.status === 'awaiting-acknowledgement', 60_000, 'posted, awaiting acknowledgement');
    expect((await api.event(id, { type: 'acknowledged', actor: 'cs-responder' }, { via: 1 })).status).toBe(200);
    expect((await api.event(id, { type: 'escalated-to-tech-support', actor: 'cs-responder', facts: 'Mic live in the green room, not on stage' })).status).toBe(200);
    expect((await api.event(id, { type: 'resolved', actor: 'tech-support-engineer', answer: 'Audio switched to the headset' }, { via: 1 })).status).toBe(200);
    const done = await api.completed(id, 120_000);
    expect(done.state?.outcome).toBe('resolved');
    const posts = local(topology).outbox.list({ escalationId: id, kind: 'slack' }).filter((r) => r.method === 'chat.postMessage').reverse();
    expect(posts.length).toBeGreaterThan(1);
    for (const p of posts.slice(1)) expect(p.thread_ts).toBe(posts[0]!.ts);
    return [id];
  },
};
