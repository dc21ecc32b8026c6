// client-call, who takes the call: the team post in the usual contact's team channel; taken in time
// (no managers); nobody takes it within the severity's deadline (15 minutes critical, 2 hours
// otherwise) -> the team's managers in order, a manager the directory marks away or has on vacation
// skipped and the timeline saying why; a late `assigned` after the deadline. Under the time-skipping server at the real
// durations, with the real activities against the Slack and SendGrid stand-ins.
import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { eventUpdate } from '../../workflows/kit/messages.js';
import { standInActivities } from '../helpers/stand-ins.js';
import { assigneeKey, clientKey, severityKey } from '../../workflows/kit/search-attributes.js';
import { localDateKey } from '../../workflows/kit/calendar.js';
import { timersNamed } from '../helpers/history.js';
import { clientCallInput, clientCallTestEnv, DAY, HOUR, MIN, send, settle, slackPosts, slackSteps, state } from '../helpers/client-call-env.js';

const t = clientCallTestEnv();
const berlin = 'Europe/Berlin';
const managerDms = (id: string) => slackSteps(t.standIns, id).filter((s) => s.startsWith('take-call-'));

describe('client-call: the team is asked who takes the call', () => {
  it('taken in time: team post in the team channel with the details, the assignee briefed, no managers asked', async () => {
    await t.withWorker(async (taskQueue) => {
      const callAt = await t.env.currentTimeMs();
      const input = clientCallInput(callAt - 2 * MIN);
      const h = await t.start(taskQueue, input);
      const id = h.workflowId;
      await settle(() => slackSteps(t.standIns, id).includes('team-post'));
      const opened = await state(h);
      expect(opened.status).toBe('awaiting-assignee');
      expect(opened.details.team).toMatchObject({ key: 'client-services', channel: 'client-services', managers: ['client-services-manager', 'client-services-director'] });
      expect(opened.deadlines.find((d) => d.name === 'take-by')?.at).toBe(new Date(callAt - 2 * MIN + 15 * MIN).toISOString());
      expect(opened.waitingFor).toContain('assigned');
      // The time-skipping server has no visibility queries: the look-up fails for good, and says so.
      expect(opened.details.earlier).toBeNull();
      expect(opened.details.earlierProblem).toMatch(/escalation look-up/);

      const post = slackPosts(t.standIns, id).find((p) => p.step === 'team-post')!;
      expect(post.channel.name).toBe('client-services');
      expect(post.text).toContain(`*Client call: ${input.client.accountName}*`);
      expect(post.text).toContain('Learners cannot sign in to the course portal');
      expect(post.text).toContain('What the fix looks like to them: Learners can sign in and finish the compliance course due Friday');
      expect(post.text).toContain('Preferred contact: *email* dana.client@example.org');
      expect(post.text).toContain('who is the next available person with the most context?');
      expect(post.mentions.userGroups).toEqual(['S0CLIENTSV']);
      expect(post.mentions.users).toEqual(['U0HARPERAM']);
      expect(JSON.stringify(post.blocks)).toContain('"action_id":"escalation:assigned"');

      await t.sleepUntil(callAt + 10 * MIN);
      const taken = await send(h, { type: 'assigned', actor: 'account-specialist' });
      expect(taken.status).toBe('in-progress');
      expect(taken.details).toMatchObject({ assignee: 'account-specialist', takenInTime: true });
      expect(taken.deadlines.map((d) => d.name)).not.toContain('take-by');
      await settle(() => slackSteps(t.standIns, id).includes('brief-1-account-specialist'));
      const reply = slackPosts(t.standIns, id).find((p) => p.step === 'assigned-1')!;
      expect(reply.thread_ts).toBe(post.ts);
      expect(reply.mentions.users).toEqual(['U0EMERYSPC']);
      const brief = slackPosts(t.standIns, id).find((p) => p.step === 'brief-1-account-specialist')!;
      expect(brief.channel.name).toBe('@Emery Specialist');
      expect(brief.text).toContain('Keep them in the loop');

      const described = await h.describe();
      expect(described.typedSearchAttributes.get(assigneeKey)).toBe('account-specialist');
      expect(described.typedSearchAttributes.get(clientKey)).toBe(input.client.accountId);
      expect(described.typedSearchAttributes.get(severityKey)).toBe('critical');

      await t.env.sleep(HOUR - 30 * MIN); // well past the take-by instant
      expect(managerDms(id)).toEqual([]);
      expect((await state(h)).timeline.some((e) => e.data?.deadline === 'take-by')).toBe(false);
    });
  });

  it('critical, nobody takes it: at 15 minutes the first manager, at 30 the next; the second takes it', async () => {
    await t.withWorker(async (taskQueue) => {
      const callAt = await t.env.currentTimeMs();
      const h = await t.start(taskQueue, clientCallInput(callAt));
      const id = h.workflowId;
      await settle(() => slackSteps(t.standIns, id).includes('team-post'));
      // Absolute instants: the test server's clock also runs in real time while the test waits.
      await t.sleepUntil(callAt + 14 * MIN + 30_000);
      expect(managerDms(id)).toEqual([]);
      await t.sleepUntil(callAt + 15 * MIN + 30_000);
      await settle(() => managerDms(id).length === 1);
      expect(managerDms(id)).toEqual(['take-call-client-services-manager-client-services-manager']);
      const escalated = await state(h);
      expect(escalated.status).toBe('escalated');
      // The deadline's timer ran to exactly 15 minutes after the call and the managers were asked when it
      // fired; in workflow time from the history (the worker's latency under load is not the deadline's).
      const fired = escalated.timeline.find((e) => e.data?.deadline === 'take-by')!;
      const [takeBy, ...more] = await timersNamed(h, 'Someone takes the call within 15 minutes');
      expect(more).toEqual([]);
      expect(takeBy!.armedAtMs + takeBy!.durationMs).toBe(callAt + 15 * MIN);
      expect(takeBy!.firedAtMs).toBeGreaterThanOrEqual(callAt + 15 * MIN);
      expect(Date.parse(fired.at)).toBeGreaterThanOrEqual(takeBy!.firedAtMs!);
      const dm = slackPosts(t.standIns, id).find((p) => p.step.startsWith('take-call-'))!;
      expect(dm.channel.name).toBe('@Parker Manager');
      expect(dm.text).toContain('within 15 minutes');
      expect(slackPosts(t.standIns, id).find((p) => p.step === 'managers-client-services-manager')?.thread_ts).toBeDefined();

      await t.sleepUntil(callAt + 30 * MIN + 30_000);
      await settle(() => managerDms(id).length === 2);
      expect(managerDms(id)[1]).toBe('take-call-client-services-director-client-services-director');
      await t.sleepUntil(callAt + 35 * MIN + 30_000);
      const taken = await send(h, { type: 'assigned', actor: 'client-services-director', assignee: 'account-specialist' });
      expect(taken.details).toMatchObject({ assignee: 'account-specialist', takenInTime: false });
      expect(taken.status).toBe('in-progress');
      await settle(async () => (await state(h)).details.managers?.outcome === 'acknowledged');
      const s = await state(h);
      expect(s.details.managers).toMatchObject({ asked: ['client-services-manager', 'client-services-director'], skipped: [] });
      expect(s.timeline.find((e) => e.kind === 'assigned')?.detail).toMatch(/36 minutes after it came in \(after the take-by deadline\)/);
      await t.env.sleep(HOUR);
      expect(managerDms(id)).toHaveLength(2);
    });
  });

  it.each([
    {
      absence: 'marked away',
      change: () => ({ away: true }),
      reason: () => 'Parker Manager is marked away in the directory',
    },
    {
      // A vacation range (inclusive local days in the manager's zone) covering the moment the ladder asks.
      absence: 'on vacation',
      change: (now: number) => ({ vacations: [{ from: localDateKey(now - DAY, berlin), to: localDateKey(now + DAY, berlin), note: 'conference' }] }),
      reason: (now: number) => `Parker Manager is on vacation until ${localDateKey(now + DAY, berlin)} (conference)`,
    },
  ])('not critical: nobody is asked before 2 hours; a manager $absence is skipped and the timeline says why', async ({ change, reason }) => {
    const now = await t.env.currentTimeMs();
    const directory = t.directoryWith({ 'client-services-manager': change(now) });
    await t.withWorker(
      async (taskQueue) => {
        const callAt = await t.env.currentTimeMs();
        const input = clientCallInput(callAt);
        const h = await t.start(taskQueue, { ...input, issue: { ...input.issue, severity: 'high', criticalToBusiness: false } });
        const id = h.workflowId;
        await settle(() => slackSteps(t.standIns, id).includes('team-post'));
        expect((await state(h)).details.policy).toEqual({ takeWithinMinutes: 120, updateEveryMinutes: 120 });
        await t.sleepUntil(callAt + 2 * HOUR - MIN);
        expect(managerDms(id)).toEqual([]);
        await t.sleepUntil(callAt + 2 * HOUR + MIN);
        await settle(() => managerDms(id).length === 1);
        expect(managerDms(id)).toEqual(['take-call-client-services-director-client-services-director']);
        const s = await state(h);
        expect(s.timeline.find((e) => e.kind === 'ladder-skipped')?.detail).toBe(
          `client-services-manager skipped: ${reason(now)}; moving on to client-services-director`,
        );
        expect(s.details.managers).toMatchObject({ asked: ['client-services-director'] });
        await send(h, { type: 'assigned', actor: 'client-services-director' });
        await settle(async () => (await state(h)).details.managers?.outcome === 'acknowledged');
        expect((await state(h)).details.managers?.skipped).toEqual(['client-services-manager']);
      },
      { directory },
    );
  });

  it('every manager asked and nobody takes it: the thread says so and nobody is pinged again', async () => {
    await t.withWorker(async (taskQueue) => {
      const h = await t.start(taskQueue, clientCallInput(await t.env.currentTimeMs()));
      const id = h.workflowId;
      await t.env.sleep(45 * MIN + 30_000);
      await settle(() => slackSteps(t.standIns, id).includes('managers-exhausted'));
      expect(managerDms(id)).toHaveLength(2);
      expect((await state(h)).timeline.find((e) => e.kind === 'deadline-missed')?.detail).toBe(
        'The managers (client-services-manager, client-services-director) were asked; the call is still not taken',
      );
      await t.env.sleep(3 * HOUR);
      expect(managerDms(id)).toHaveLength(2);
      const s = await send(h, { type: 'assigned', actor: 'account-manager' });
      expect(s.status).toBe('in-progress');
    });
  });

  // Issue 17 item 1, the kind "an event judged at worker time": `assigned` received 5 s before the
  // take-by instant, applied 6 s after it by a worker that was down across it, is taken in time and
  // no manager is asked (the same task holds the take-by timer). No workflow cache: see
  // account-escalation-contact.test.ts (a sticky queue keeps the restarted worker waiting).
  it('assigned received 5 s before take-by, applied 6 s after it (worker down): taken in time, no manager asked', async () => {
    await t.withRestartableWorker(async (taskQueue, { start: startWorker, stop: stopWorker }) => {
      const callAt = await t.env.currentTimeMs();
      const h = await t.start(taskQueue, clientCallInput(callAt));
      const id = h.workflowId;
      await settle(() => slackSteps(t.standIns, id).includes('team-post'));
      const takeBy = Date.parse((await state(h)).deadlines.find((d) => d.name === 'take-by')!.at);
      expect(takeBy - callAt).toBe(15 * MIN);
      await t.sleepUntil(takeBy - 10_000);
      await stopWorker();
      await t.sleepUntil(takeBy + 6_000);
      const receivedAt = new Date(takeBy - 5_000).toISOString();
      const applied = h.executeUpdate(eventUpdate, { args: [{ type: 'assigned', actor: 'account-specialist', receivedAt }] });
      await startWorker();
      await applied;
      const s = await state(h);
      expect(s.details).toMatchObject({ assignee: 'account-specialist', takenInTime: true, assignedAt: receivedAt });
      expect(s.timeline.find((e) => e.kind === 'assigned')?.detail).not.toContain('after the take-by deadline');
      expect(s.timeline.some((e) => e.data?.deadline === 'take-by')).toBe(false);
      await settle(() => slackSteps(t.standIns, id).includes('brief-1-account-specialist'));
      expect(managerDms(id)).toEqual([]);
    });
  });
});
