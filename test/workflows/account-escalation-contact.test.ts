// account-escalation, unresponsive customer: contact attempts on 10 consecutive days counted in the
// account's time zone; a response ends them; 10 days without one records the customer as
// unresponsive and moves the case to the resolution decision; a day without an attempt starts the
// count over. Under the time-skipping server at the real 10 days.
import { describe, expect, it } from 'vitest';
import type { AccountEscalationDetails } from '../../workflows/account-escalation/workflow.js';
import { EVENT_OUT_OF_ORDER } from '../../workflows/kit/messages.js';
import type { EscalationState } from '../../workflows/kit/state.js';
import { accountEscalationInput, nextLocal, wall } from '../helpers/account-fixtures.js';
import { accountEscalationTestEnv, DAY, HOUR, MIN, send, settle, slackPosts, slackSteps, state } from '../helpers/account-escalation-env.js';

const t = accountEscalationTestEnv();
type State = EscalationState<string, AccountEscalationDetails>;
const get = async (h: Parameters<typeof state>[0]) => (await state(h)) as State;
const chicago = 'America/Chicago';
const tokyo = 'Asia/Tokyo';

describe('account-escalation: unresponsive customer -> 10 consecutive days of contact attempts', () => {
  it('10 days without a response (daily email configured): recorded as unresponsive, then the resolution decision', async () => {
    await t.withWorker(async (taskQueue) => {
      await t.sleepUntil(nextLocal(await t.env.currentTimeMs(), chicago, 1, 10)); // Monday 10:00 Chicago
      const start = await t.env.currentTimeMs();
      const handle = await t.start(taskQueue, accountEscalationInput(start, { trigger: 'unresponsive-after-issue', followUpEmails: true }));
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

      // Day 3: a resolution cannot be decided while the attempts run.
      await t.env.sleep(2 * DAY);
      const early = await send(handle, { type: 'resolution-proposed', offer: 'anything' }).catch((e: { cause?: { type?: string; message?: string } }) => e.cause);
      expect((early as { type?: string }).type).toBe(EVENT_OUT_OF_ORDER);
      expect((early as { message?: string }).message).toContain('contact attempts are running (day 3 of 10)');

      // Day 10 ends at local midnight: 9 days and 14 hours after Monday 10:00.
      const lastMidnight = nextLocal(start, chicago, 4, 0) + 7 * DAY; // the Thursday after next, 00:00
      expect(wall(lastMidnight, chicago)).toMatch(/^Thu .* 00:00$/);
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
      await t.sleepUntil(nextLocal(await t.env.currentTimeMs(), tokyo, 1, 8)); // Monday 08:00 in Tokyo
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

      for (let day = 1; day <= 6; day++) {
        await t.sleepUntil(nextLocal(await t.env.currentTimeMs(), tokyo, (day % 7) as number, 11)); // 11:00 Tokyo that day
        await settle(async () => (await get(handle)).tasks.some((x) => x.status === 'open' && x.id.startsWith('contact-')));
        s = (await send(handle, { type: 'contact-attempted', actor: 'csm', channel: 'phone' })) as State;
        // The day's end is the next local midnight in Tokyo.
        expect(wall(Date.parse(s.deadlines.find((d) => d.name === 'contact-day-end')!.at), tokyo)).toMatch(/ 00:00$/);
      }
      await t.sleepUntil(nextLocal(await t.env.currentTimeMs(), tokyo, 0, 10)); // day 7: Sunday 10:00
      s = await get(handle);
      expect(s.details.contact!.daysDone).toBe(6);
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
      await t.sleepUntil(nextLocal(await t.env.currentTimeMs(), chicago, 2, 18)); // Tuesday 18:00: after contact hours
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
});
