// account-escalation, public holidays in every business-day rule (issue 17 item 12): contact days and
// finance follow-ups skip the holidays (Christmas, New Year's Day in Illinois), an account without its own calendar falls back to the CSM's team calendar, and a weekly finance meeting that
// falls on a holiday does not take place: the renegotiation goes to the next one. Under the
// time-skipping server at real durations, in the next December whose 23rd is a Wednesday (2026, 2037,
// ...; the same weekdays and Illinois holidays), so the scenarios keep their calendar in any year.
import { describe, expect, it } from 'vitest';
import type { AccountEscalationDetails } from '../../workflows/account-escalation/workflow.js';
import { nextWeeklyOccurrence, parseWeeklyTime } from '../../workflows/kit/calendar.js';
import type { EscalationState } from '../../workflows/kit/state.js';
import { accountEscalationInput, nextYearWith, wall } from '../helpers/account-fixtures.js';
import { accountEscalationTestEnv, DAY, HOUR, MIN, send, settle, slackSteps, state } from '../helpers/account-escalation-env.js';

const t = accountEscalationTestEnv();
type State = EscalationState<string, AccountEscalationDetails>;
const get = async (h: Parameters<typeof state>[0]) => (await state(h)) as State;
const chicago = 'America/Chicago';
/** The scenarios' year: Wednesday 23 December, 10:00 in Chicago, is still ahead. */
const Y = nextYearWith(Date.now(), 12, 23, 3);
const DEC23 = Date.parse(`${Y}-12-23T16:00:00Z`);

describe('account-escalation: public holidays in every business-day rule', () => {
  it("an account without a calendar gets the CSM's team calendar: the contact days skip Christmas (a holiday neither counts nor breaks the count)", async () => {
    await t.withWorker(async (taskQueue) => {
      await t.sleepUntil(DEC23);
      const input = accountEscalationInput(await t.env.currentTimeMs(), { trigger: 'unresponsive-after-issue' });
      expect(input.account.calendar).toBeUndefined();
      const handle = await t.start(taskQueue, input);
      const id = handle.workflowId;
      await settle(async () => (await get(handle)).tasks.some((x) => x.status === 'open' && x.id === `contact-${Y}-12-23`));
      let s = await get(handle);
      expect(s.details.calendars!.account).toMatchObject({ calendar: 'us-illinois', region: 'US-IL', timeZone: chicago });
      expect(s.details.calendars!.account.holidays).toEqual(expect.arrayContaining([`${Y}-12-25`, `${Y + 1}-01-01`]));
      expect(s.timeline.find((e) => e.kind === 'calendar' && e.detail.startsWith("The account's"))!.detail).toContain("no account calendar: the CSM's team calendar");

      await send(handle, { type: 'contact-attempted', actor: 'csm', channel: 'phone' }); // Wed 23: day 1
      await t.sleepUntil(Date.parse(`${Y}-12-24T16:00:00Z`)); // Thu 24, 10:00
      await settle(async () => (await get(handle)).tasks.some((x) => x.status === 'open' && x.id === `contact-${Y}-12-24`));
      await send(handle, { type: 'contact-attempted', actor: 'csm', channel: 'phone' }); // day 2
      await t.sleepUntil(Date.parse(`${Y}-12-25T06:00:00Z`) + MIN); // Fri 25, 00:01
      await settle(async () => (await get(handle)).details.contact!.daysDone === 2);
      s = await get(handle);
      expect(wall(Date.parse(s.deadlines.find((d) => d.name === 'contact-day')!.at), chicago)).toBe(`Mon ${Y}-12-28 09:00`);

      // Through Christmas and the weekend: nothing asked, nothing missed.
      await t.sleepUntil(Date.parse(`${Y}-12-28T14:00:00Z`)); // Mon 28, 08:00
      s = await get(handle);
      expect(s.details.contact).toMatchObject({ state: 'running', daysDone: 2, missedDays: [] });
      expect(s.tasks.map((x) => x.id)).not.toContain(`contact-${Y}-12-25`);
      expect(slackSteps(t.standIns, id).filter((st) => st.includes(`${Y}-12-25`) || st.includes(`${Y}-12-26`))).toEqual([]);
      await send(handle, { type: 'customer-responded', actor: 'csm' });
      await send(handle, { type: 'churned', actor: 'csm' });
      await handle.result();
    });
  });

  it('finance follow-ups skip Christmas and New Year: Thu 24 Dec, then Mon 28 Dec, ..., Thu 31 Dec, then Mon 4 Jan', async () => {
    await t.withWorker(async (taskQueue) => {
      await t.sleepUntil(DEC23 + HOUR); // Wednesday 11:00
      const handle = await t.start(taskQueue, accountEscalationInput(await t.env.currentTimeMs()));
      const id = handle.workflowId;
      await settle(async () => (await get(handle)).details.calendars !== undefined);
      await send(handle, { type: 'resolution-proposed', actor: 'csm', offer: '10% off for 6 months' });
      let s = await get(handle);
      expect(wall(Date.parse(s.deadlines.find((d) => d.name === 'finance-follow-up')!.at), chicago)).toBe(`Thu ${Y}-12-24 10:00`);
      await t.sleepUntil(Date.parse(`${Y}-12-24T16:00:00Z`) + HOUR);
      await settle(() => slackSteps(t.standIns, id).includes(`finance-follow-up-1-${Y}-12-24`));
      s = await get(handle);
      expect(wall(Date.parse(s.deadlines.find((d) => d.name === 'finance-follow-up')!.at), chicago)).toBe(`Mon ${Y}-12-28 10:00`);
      await t.sleepUntil(Date.parse(`${Y}-12-31T16:00:00Z`) + HOUR); // Thu 31, 11:00
      await settle(() => slackSteps(t.standIns, id).includes(`finance-follow-up-1-${Y}-12-31`));
      s = await get(handle);
      expect(wall(Date.parse(s.deadlines.find((d) => d.name === 'finance-follow-up')!.at), chicago)).toBe(`Mon ${Y + 1}-01-04 10:00`);
      expect(slackSteps(t.standIns, id).filter((st) => st.startsWith('finance-follow-up-1-'))).toEqual(
        [`${Y}-12-24`, `${Y}-12-28`, `${Y}-12-29`, `${Y}-12-30`, `${Y}-12-31`].map((d) => `finance-follow-up-1-${d}`),
      );
      await send(handle, { type: 'churned', actor: 'csm' });
      await handle.result();
    });
  });

  it('a weekly finance meeting on a public holiday does not take place: a rejection on 23 Dec goes to Fri 8 Jan (25 Dec and 1 Jan are holidays)', async () => {
    const slot = parseWeeklyTime('FRI 10:00 America/Chicago');
    expect(nextWeeklyOccurrence(slot, DEC23)).toBe(Date.parse(`${Y}-12-25T16:00:00Z`));
    expect(nextWeeklyOccurrence(slot, DEC23, [`${Y}-12-25`, `${Y + 1}-01-01`])).toBe(Date.parse(`${Y + 1}-01-08T16:00:00Z`));
    await t.withWorker(
      async (taskQueue) => {
        await t.sleepUntil(DEC23);
        const handle = await t.start(taskQueue, accountEscalationInput(await t.env.currentTimeMs()));
        const id = handle.workflowId;
        await settle(async () => (await get(handle)).details.calendars !== undefined);
        await send(handle, { type: 'resolution-proposed', actor: 'csm', offer: '10% off for 6 months' });
        await send(handle, { type: 'finance-approved', actor: 'accounting-analyst' });
        await send(handle, { type: 'customer-rejected', actor: 'csm', reason: 'Wants 25% off' });
        await settle(async () => (await get(handle)).messages.some((m) => m.step === 'renegotiation-1-cs-team-lead'));
        let s = await get(handle);
        const meetingAt = Date.parse(s.details.renegotiation!.meetingAt!);
        expect(wall(meetingAt, chicago)).toBe(`Fri ${Y + 1}-01-08 10:00`);
        expect(s.timeline.find((e) => e.kind === 'finance-meeting-moved')).toMatchObject({ data: { skipped: `${Y}-12-25` } });
        expect(s.deadlines.find((d) => d.name === 'finance-meeting-reminder')!.at).toBe(new Date(meetingAt - DAY).toISOString());

        // Nothing on Christmas or New Year's Day; the meeting on 8 January.
        await t.sleepUntil(Date.parse(`${Y + 1}-01-02T16:00:00Z`));
        s = await get(handle);
        expect(s.timeline.filter((e) => e.kind === 'finance-meeting')).toEqual([]);
        await t.sleepUntil(meetingAt + MIN);
        await settle(async () => (await get(handle)).timeline.some((e) => e.kind === 'finance-meeting'));
        expect(slackSteps(t.standIns, id)).toEqual(expect.arrayContaining(['finance-meeting-reminder-1-cs-team-lead', 'finance-meeting-1-cs-team-lead']));
        await send(handle, { type: 'churned', actor: 'csm' });
        await handle.result();
      },
      { financeMeeting: parseWeeklyTime('FRI 10:00 America/Chicago') },
    );
  });
});
