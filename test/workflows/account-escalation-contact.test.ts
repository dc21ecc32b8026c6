// account-escalation, unresponsive customer: contact attempts on 10 consecutive business days of the
// account's calendar (its time zone, Monday to Friday); a response ends them; 10 days without one
// records the customer as unresponsive and moves the case to the resolution decision; a business day
// without an attempt starts the count over, a weekend neither counts nor breaks it; an automatic
// follow-up email is recorded but is not an attempt unless configured so. Under the time-skipping
// server at the real 10 days.
import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import type { AccountEscalationDetails } from '../../workflows/account-escalation/workflow.js';
import { EVENT_OUT_OF_ORDER } from '../../workflows/kit/messages.js';
import type { EscalationState } from '../../workflows/kit/state.js';
import { CONTACT_RESTARTS_MAX } from '../../workflows/account-escalation/sop.js';
import { accountEscalationInput, nextLocal, quietLocal, wall } from '../helpers/account-fixtures.js';
import { accountEscalationTestEnv, DAY, HOUR, MIN, send, settle, slackPosts, slackSteps, state } from '../helpers/account-escalation-env.js';
import { standInActivities } from '../helpers/stand-ins.js';
import { eventUpdate } from '../../workflows/kit/messages.js';

const t = accountEscalationTestEnv();
type State = EscalationState<string, AccountEscalationDetails>;
const get = async (h: Parameters<typeof state>[0]) => (await state(h)) as State;
const chicago = 'America/Chicago';
const tokyo = 'Asia/Tokyo';

describe('account-escalation: unresponsive customer -> 10 consecutive days of contact attempts', () => {
  it('10 business days without a response (daily email configured to count): recorded as unresponsive, then the resolution decision', async () => {
    await t.withWorker(async (taskQueue) => {
      await t.sleepUntil(quietLocal(await t.env.currentTimeMs(), chicago, 1, 10)); // Monday 10:00 Chicago
      const start = await t.env.currentTimeMs();
      const handle = await t.start(
        taskQueue,
        accountEscalationInput(start, { trigger: 'unresponsive-after-issue', followUpEmails: true, followUpEmailsCountAsAttempts: true }),
      );
      const id = handle.workflowId;

      // Day 1 starts at once (10:00 is within contact hours): task, DM with buttons, email to the customer.
      await settle(() => t.standIns.outbox.list({ kind: 'email', escalationId: id }).length === 1);
      const opened = await get(handle);
      expect(opened.status).toBe('waiting-for-customer');
      expect(opened.waitingFor).toEqual(expect.arrayContaining(['contact-attempted', 'customer-responded']));
      expect(opened.waitingFor).not.toContain('resolution-proposed');
      expect(opened.tasks.find((x) => x.id.startsWith('contact-'))).toMatchObject({ assignee: 'csm' });
      const dm = slackPosts(t.standIns, id).find((p) => p.step.startsWith('contact-1-'))!;
      expect(dm.text).toContain('contact attempt 1 of 10');
      const [email] = t.standIns.outbox.list({ kind: 'email', escalationId: id });
      expect(email!.to[0]!.email).toBe('dana.client@example.org');
      expect(email!.cc.map((c) => c.email)).toEqual(['robin.success@example.com']);
      expect(email!.subject).toContain('Dana Client, can we talk?');
      expect(email!.custom_args).toMatchObject({ template: 'account-follow-up' });
      // Signed by the CSM working the case (issue 17 item 9), not "Your Customer Success team".
      expect(email!.text).toMatch(/Kind regards,\nRobin Success\nCustomer Success Manager, Example Learning Co$/);

      // Day 3: a resolution cannot be decided while the attempts run.
      await t.env.sleep(2 * DAY);
      const early = await send(handle, { type: 'resolution-proposed', offer: 'anything' }).catch((e: { cause?: { type?: string; message?: string } }) => e.cause);
      expect((early as { type?: string }).type).toBe(EVENT_OUT_OF_ORDER);
      expect((early as { message?: string }).message).toContain('contact attempts are running (day 3 of 10)');

      // Day 10 is the Friday after next (two working weeks); it ends at local midnight.
      const lastMidnight = nextLocal(start, chicago, 6, 0) + 7 * DAY; // the Saturday after next, 00:00
      expect(wall(lastMidnight, chicago)).toMatch(/^Sat .* 00:00$/);
      await t.sleepUntil(lastMidnight - MIN);
      expect((await get(handle)).details.unresponsive).toBe(false);
      await t.sleepUntil(lastMidnight + MIN);
      await settle(async () => (await get(handle)).details.unresponsive);

      const s = await get(handle);
      expect(s.status).toBe('open');
      expect(s.details.contact).toMatchObject({ state: 'unresponsive', daysDone: 10 });
      expect(s.details.contact!.attemptedDays).toHaveLength(10);
      const recorded = s.timeline.find((e) => e.kind === 'customer-unresponsive')!;
      expect(Date.parse(recorded.at)).toBeGreaterThanOrEqual(lastMidnight);
      expect(Date.parse(recorded.at) - lastMidnight).toBeLessThan(MIN);
      expect(s.waitingFor).toEqual(expect.arrayContaining(['resolution-proposed', 'churned']));
      expect(s.tasks.find((x) => x.id === 'decide-resolution-1')).toMatchObject({ assignee: 'cs-team-lead', status: 'open' });
      expect(s.deadlines.map((d) => d.name)).not.toContain('contact-day');
      expect(t.standIns.outbox.list({ kind: 'email', escalationId: id })).toHaveLength(10);
      await settle(() => slackSteps(t.standIns, id).includes('unresponsive-1-cs-team-lead'));
      await settle(() => t.standIns.cases.cases()[0]!.notes.some((n) => n.text.includes('recorded as unresponsive')));

      // Now the resolution can be decided.
      expect(((await send(handle, { type: 'resolution-proposed', actor: 'cs-team-lead', offer: 'Pause billing for a month' })) as State).status).toBe(
        'pending-finance',
      );
      await send(handle, { type: 'churned', actor: 'csm' });
      await handle.result();
    });
  });

  it('a response on day 7 ends the attempts; days count in the account time zone (Tokyo)', async () => {
    await t.withWorker(async (taskQueue) => {
      await t.sleepUntil(quietLocal(await t.env.currentTimeMs(), tokyo, 1, 8)); // Monday 08:00 in Tokyo
      const input = accountEscalationInput(await t.env.currentTimeMs(), {
        account: { ...accountEscalationInput(0).account, timeZone: tokyo },
      });
      const handle = await t.start(taskQueue, input);
      const id = handle.workflowId;
      await settle(async () => (await get(handle)).details.case.number !== null);
      let s = (await send(handle, { type: 'customer-unresponsive', actor: 'csm' })) as State;
      expect(s.status).toBe('waiting-for-customer');
      // Before 09:00 local: day 1 starts at 09:00 Tokyo today.
      const day1 = s.deadlines.find((d) => d.name === 'contact-day')!;
      expect(wall(Date.parse(day1.at), tokyo)).toMatch(/^Mon .* 09:00$/);

      // Monday to Friday, then (after a weekend that is neither a contact day nor a missed one) Monday.
      for (const weekday of [1, 2, 3, 4, 5, 1]) {
        await t.sleepUntil(nextLocal(await t.env.currentTimeMs(), tokyo, weekday, 11)); // 11:00 Tokyo that day
        await settle(async () => (await get(handle)).tasks.some((x) => x.status === 'open' && x.id.startsWith('contact-')));
        s = (await send(handle, { type: 'contact-attempted', actor: 'csm', channel: 'phone' })) as State;
        // The day's end is the next local midnight in Tokyo.
        expect(wall(Date.parse(s.deadlines.find((d) => d.name === 'contact-day-end')!.at), tokyo)).toMatch(/ 00:00$/);
      }
      await t.sleepUntil(nextLocal(await t.env.currentTimeMs(), tokyo, 2, 10)); // day 7: Tuesday 10:00
      s = await get(handle);
      expect(s.details.contact!.daysDone).toBe(6);
      expect(s.details.contact!.missedDays).toEqual([]);
      s = (await send(handle, { type: 'customer-responded', actor: 'csm', summary: 'Called back; wants a meeting' })) as State;
      expect(s.status).toBe('open');
      expect(s.details.contact).toMatchObject({ state: 'responded', daysDone: 6 });
      expect(s.details.unresponsive).toBe(false);
      expect(s.deadlines.map((d) => d.name)).toEqual(['notes-reminder']);
      expect(s.tasks.filter((x) => x.id.startsWith('contact-') && x.status === 'open')).toEqual([]);
      expect(s.waitingFor).toContain('resolution-proposed');
      expect(s.waitingFor).not.toContain('contact-attempted');
      // Nothing more is asked.
      await t.env.sleep(3 * DAY);
      expect(slackSteps(t.standIns, id).filter((st) => st.startsWith('contact-'))).toHaveLength(7);
      expect(t.standIns.outbox.list({ kind: 'email', escalationId: id })).toHaveLength(0);
      await expect(send(handle, { type: 'contact-attempted' })).rejects.toBeDefined();
      await send(handle, { type: 'churned', actor: 'csm' });
      await handle.result();
    });
  });

  it('a day without an attempt starts the 10 consecutive days over and tells the CSM and the TL', async () => {
    await t.withWorker(async (taskQueue) => {
      await t.sleepUntil(quietLocal(await t.env.currentTimeMs(), chicago, 2, 18)); // Tuesday 18:00: after contact hours
      const handle = await t.start(taskQueue, accountEscalationInput(await t.env.currentTimeMs(), { trigger: 'unresponsive-after-issue' }));
      const id = handle.workflowId;
      await settle(async () => (await get(handle)).deadlines.some((d) => d.name === 'contact-day'));
      const first = (await get(handle)).deadlines.find((d) => d.name === 'contact-day')!;
      expect(wall(Date.parse(first.at), chicago)).toMatch(/^Wed .* 09:00$/); // day 1 is tomorrow

      await t.sleepUntil(Date.parse(first.at) + 2 * HOUR); // Wednesday 11:00: attempt day 1
      await send(handle, { type: 'contact-attempted', actor: 'csm' });
      // Thursday: nobody tries. Friday 00:00 the day is missed.
      await t.sleepUntil(nextLocal(await t.env.currentTimeMs(), chicago, 5, 0) + MIN);
      await settle(() => slackSteps(t.standIns, id).some((st) => st.startsWith('contact-missed-') && st.endsWith('cs-team-lead')));
      const s = await get(handle);
      expect(s.details.contact).toMatchObject({ state: 'running', daysDone: 0 });
      expect(s.details.contact!.missedDays).toHaveLength(1);
      expect(s.timeline.find((e) => e.kind === 'contact-day-missed')!.detail).toContain('start over (had 1)');
      expect(s.status).toBe('waiting-for-customer');
      await send(handle, { type: 'customer-responded', actor: 'csm' });
      await send(handle, { type: 'churned', actor: 'csm' });
      await handle.result();
    });
  });

  it("a Monday-to-Friday CSM's Saturday is not a missed contact day: Friday's attempt and Monday's make two days", async () => {
    await t.withWorker(async (taskQueue) => {
      await t.sleepUntil(quietLocal(await t.env.currentTimeMs(), chicago, 5, 10)); // Friday 10:00 Chicago
      const handle = await t.start(taskQueue, accountEscalationInput(await t.env.currentTimeMs(), { trigger: 'unresponsive-after-issue' }));
      const id = handle.workflowId;
      await settle(async () => (await get(handle)).tasks.some((x) => x.status === 'open' && x.id.startsWith('contact-')));
      await send(handle, { type: 'contact-attempted', actor: 'csm', channel: 'phone' });
      // Friday ends: day 1 done; the next contact day is Monday 09:00, not Saturday.
      const saturday = nextLocal(await t.env.currentTimeMs(), chicago, 6, 0);
      await t.sleepUntil(saturday + MIN);
      await settle(async () => (await get(handle)).deadlines.some((d) => d.name === 'contact-day'));
      let s = await get(handle);
      expect(s.details.contact).toMatchObject({ daysDone: 1, missedDays: [] });
      expect(wall(Date.parse(s.deadlines.find((d) => d.name === 'contact-day')!.at), chicago)).toMatch(/^Mon .* 09:00$/);
      // Through the weekend: nothing asked, nothing missed.
      await t.sleepUntil(nextLocal(saturday, chicago, 1, 8));
      s = await get(handle);
      expect(s.details.contact).toMatchObject({ state: 'running', daysDone: 1, missedDays: [] });
      expect(s.timeline.filter((e) => e.kind === 'contact-day-missed')).toEqual([]);
      expect(slackSteps(t.standIns, id).filter((st) => st.startsWith('contact-missed-'))).toEqual([]);
      // Monday: day 2.
      await t.sleepUntil(nextLocal(await t.env.currentTimeMs(), chicago, 1, 11));
      await settle(async () => (await get(handle)).tasks.some((x) => x.status === 'open' && x.id.startsWith('contact-')));
      expect(slackPosts(t.standIns, id).find((p) => p.step.startsWith('contact-1-') && p.text?.includes('contact attempt 2 of 10'))).toBeDefined();
      await send(handle, { type: 'contact-attempted', actor: 'csm', channel: 'phone' });
      await t.sleepUntil(nextLocal(await t.env.currentTimeMs(), chicago, 2, 0) + MIN);
      await settle(async () => (await get(handle)).details.contact!.daysDone === 2);
      await send(handle, { type: 'churned', actor: 'csm' });
      await handle.result();
    });
  });

  it('automatic follow-up emails alone are not attempts: they never make the customer unresponsive (the series stops at its cap of missed days)', async () => {
    await t.withWorker(async (taskQueue) => {
      await t.sleepUntil(quietLocal(await t.env.currentTimeMs(), chicago, 1, 10)); // Monday 10:00 Chicago
      const start = await t.env.currentTimeMs();
      const handle = await t.start(taskQueue, accountEscalationInput(start, { trigger: 'unresponsive-after-issue', followUpEmails: true }));
      const id = handle.workflowId;
      // Two working weeks and the weekend after: an email each contact day, not a single call. Each
      // day is missed; after CONTACT_RESTARTS_MAX restarts the 4th missed day (Thursday) stops the series.
      await t.sleepUntil(nextLocal(start, chicago, 1, 8) + 7 * DAY); // the Monday after next, 08:00
      await settle(async () => (await get(handle)).details.contact?.state === 'stopped');
      const s = await get(handle);
      expect(slackSteps(t.standIns, id).filter((st) => st.startsWith('contact-missed-') && st.endsWith('-csm'))).toHaveLength(CONTACT_RESTARTS_MAX);
      expect(t.standIns.outbox.list({ kind: 'email', escalationId: id })).toHaveLength(CONTACT_RESTARTS_MAX + 1);
      expect(s.details.unresponsive).toBe(false);
      expect(s.details.contact).toMatchObject({ state: 'stopped', daysDone: 0, attemptedDays: [] });
      expect(s.details.contact!.missedDays).toHaveLength(CONTACT_RESTARTS_MAX + 1);
      expect(s.details.contact!.emailedDays).toHaveLength(CONTACT_RESTARTS_MAX + 1);
      expect(s.timeline.filter((e) => e.kind === 'contact-email')).toHaveLength(CONTACT_RESTARTS_MAX + 1);
      expect(s.timeline.filter((e) => e.kind === 'contact-attempt')).toEqual([]);
      expect(s.timeline.filter((e) => e.kind === 'customer-unresponsive')).toEqual([]);
      const missed = slackPosts(t.standIns, id).find((p) => p.step.startsWith('contact-missed-'))!;
      expect(missed.text).toContain('the automatic email alone is not an attempt');
      await send(handle, { type: 'churned', actor: 'csm' });
      await handle.result();
    });
  });

  // Issue 17 item 1, the kind "an event's business time taken from worker time": the attempt is
  // dated when the API received it (its receivedAt, stamped here as the API does), not when a worker
  // that was down got to it. The worker is stopped across local midnight, so the day's end and the
  // attempt reach the workflow in one workflow task. The workers keep no workflow cache: with a
  // sticky queue the time-skipping server would keep the restarted worker waiting for the stopped
  // one's (its schedule-to-start timeout never comes while nothing skips time).
  it('an attempt received at 23:59:55 that a worker down over midnight applies at 00:00:06 counts for the earlier day', async () => {
    await t.withRestartableWorker(async (taskQueue, { start: startWorker, stop: stopWorker }) => {
      await t.sleepUntil(quietLocal(await t.env.currentTimeMs(), chicago, 3, 10)); // Wednesday 10:00 Chicago
      const handle = await t.start(taskQueue, accountEscalationInput(await t.env.currentTimeMs(), { trigger: 'unresponsive-after-issue' }));
      await settle(async () => (await get(handle)).tasks.some((x) => x.status === 'open' && x.id.startsWith('contact-')));
      const wednesday = (await get(handle)).details.contact!.currentDay!;
      const midnight = nextLocal(await t.env.currentTimeMs(), chicago, 4, 0); // Thursday 00:00 Chicago
      await t.sleepUntil(midnight - 10_000);
      await stopWorker();
      const receivedAt = new Date(midnight - 5_000).toISOString();
      expect(wall(Date.parse(receivedAt), chicago)).toMatch(/^Wed .* 23:59$/);
      await t.sleepUntil(midnight + 6_000);
      const applied = handle.executeUpdate(eventUpdate, { args: [{ type: 'contact-attempted', actor: 'csm', channel: 'phone', receivedAt }] });
      await startWorker();
      await applied;
      await settle(async () => (await get(handle)).deadlines.some((d) => d.name === 'contact-day' && Date.parse(d.at) > midnight));
      const s = await get(handle);
      // Applied by the workflow after midnight, counted for Wednesday.
      expect(Date.parse(s.timeline.find((e) => e.kind === 'event:contact-attempted')!.at)).toBeGreaterThanOrEqual(midnight);
      expect(s.details.contact).toMatchObject({ state: 'running', daysDone: 1, missedDays: [] });
      expect(s.details.contact!.attemptedDays).toEqual([wednesday]);
      expect(s.timeline.find((e) => e.kind === 'contact-attempt')!.data).toEqual({ day: wednesday, channel: 'phone' });
      expect(s.timeline.filter((e) => e.kind === 'contact-day-missed')).toEqual([]);
      // Wednesday counted: the next contact day is Thursday's.
      const thursday = (await get(handle)).deadlines.find((d) => d.name === 'contact-day')!;
      expect(wall(Date.parse(thursday.at), chicago)).toMatch(/^Thu .* 09:00$/);
      await send(handle, { type: 'churned', actor: 'csm' });
      await handle.result();
    });
  });
});
