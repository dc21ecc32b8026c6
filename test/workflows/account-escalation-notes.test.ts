// account-escalation, daily escalation notes: each business day the case is open, the CSM is
// reminded at 16:00 (team time zone) if no note was recorded that day; weekends are skipped; notes
// are in the state, on the timeline and on the CRM case.
import { describe, expect, it } from 'vitest';
import type { AccountEscalationDetails } from '../../workflows/account-escalation/workflow.js';
import type { EscalationState } from '../../workflows/kit/state.js';
import { accountEscalationInput, nextLocal, wall } from '../helpers/account-fixtures.js';
import { accountEscalationTestEnv, DAY, HOUR, send, settle, slackSteps, state } from '../helpers/account-escalation-env.js';

const t = accountEscalationTestEnv();
type State = EscalationState<string, AccountEscalationDetails>;
const get = async (h: Parameters<typeof state>[0]) => (await state(h)) as State;
const chicago = 'America/Chicago';

describe('account-escalation: daily escalation notes', () => {
  it('reminds on Friday at 16:00, not on Saturday or Sunday, not on a Monday with a note, again on Tuesday', async () => {
    await t.withWorker(async (taskQueue) => {
      const friday10 = nextLocal(await t.env.currentTimeMs(), chicago, 5, 10);
      await t.sleepUntil(friday10);
      // The account is in Tokyo; the CSM's business days are Chicago's.
      const input = accountEscalationInput(friday10, {
        account: { ...accountEscalationInput(0).account, timeZone: 'Asia/Tokyo' },
        teamTimeZone: chicago,
      });
      const handle = await t.start(taskQueue, input);
      const id = handle.workflowId;
      await settle(async () => (await get(handle)).details.case.number !== null);
      const first = (await get(handle)).deadlines.find((d) => d.name === 'notes-reminder')!;
      expect(wall(Date.parse(first.at), chicago)).toMatch(/^Fri .* 16:00$/);

      // Through the weekend to Monday 11:00.
      const monday11 = nextLocal(friday10, chicago, 1, 11);
      await t.sleepUntil(monday11);
      let s = await get(handle);
      const reminders = () => s.timeline.filter((e) => e.kind === 'reminder' && e.detail.includes('escalation note'));
      expect(reminders().map((e) => wall(Date.parse(e.at), chicago))).toEqual([expect.stringMatching(/^Fri .* 16:00$/)]);
      expect(slackSteps(t.standIns, id).filter((st) => st.startsWith('notes-'))).toHaveLength(1);
      const fridayTask = s.tasks.find((x) => x.id.startsWith('notes-'))!;
      expect(fridayTask).toMatchObject({ assignee: 'csm', status: 'open' });
      expect(wall(Date.parse(s.deadlines.find((d) => d.name === 'notes-reminder')!.at), chicago)).toMatch(/^Mon .* 16:00$/);

      // Monday's note: no reminder at 16:00; the open reminder task of Friday is superseded later.
      s = (await send(handle, { type: 'note', actor: 'csm', text: 'Spoke to the office manager: invoice dispute escalated to their CFO.' })) as State;
      expect(s.details.notes).toHaveLength(1);
      expect(s.details.notes[0]).toMatchObject({ by: 'csm', day: new Date(monday11).toISOString().slice(0, 10) });
      expect(s.details.lastNoteDay).toBe(s.details.notes[0]!.day);
      expect(s.timeline.some((e) => e.kind === 'event:note' && e.actor === 'csm')).toBe(true);
      await settle(() => t.standIns.cases.cases()[0]!.notes.some((n) => n.kind === 'escalation-note' && n.text.includes('CFO') && n.author === 'csm'));

      await t.sleepUntil(monday11 + 6 * HOUR); // Monday 17:00
      s = await get(handle);
      expect(reminders()).toHaveLength(1);

      await t.sleepUntil(monday11 + DAY + 6 * HOUR); // Tuesday 17:00
      await settle(async () => {
        s = await get(handle);
        return reminders().length === 2;
      });
      expect(wall(Date.parse(reminders()[1]!.at), chicago)).toMatch(/^Tue .* 16:00$/);
      expect(s.tasks.filter((x) => x.id.startsWith('notes-') && x.status === 'open')).toHaveLength(1);
      expect(s.tasks.find((x) => x.id === fridayTask.id)?.status).toBe('cancelled');
      await settle(() => slackSteps(t.standIns, id).filter((st) => st.startsWith('notes-')).length === 2);

      // A note on Tuesday evening closes Tuesday's task.
      s = (await send(handle, { type: 'note', actor: 'csm', text: 'Left a voicemail for the CFO.' })) as State;
      expect(s.tasks.filter((x) => x.id.startsWith('notes-') && x.status === 'open')).toHaveLength(0);
      await send(handle, { type: 'churned', actor: 'csm' });
      await handle.result();
    });
  });

  it('public holidays: an escalation from 23 Dec 2026 with a Chicago team gets no note reminder on 25 Dec (Christmas), the next on Monday 28 Dec', async () => {
    await t.withWorker(async (taskQueue) => {
      const dec23 = Date.parse('2026-12-23T16:00:00Z'); // Wednesday 10:00 in Chicago
      await t.sleepUntil(dec23);
      const handle = await t.start(taskQueue, accountEscalationInput(await t.env.currentTimeMs())); // the CSM's calendar: us-illinois
      const id = handle.workflowId;
      await settle(async () => (await get(handle)).details.calendars !== undefined);
      let s = await get(handle);
      expect(s.details.calendars!.team).toMatchObject({ calendar: 'us-illinois', region: 'US-IL', timeZone: chicago });
      expect(s.details.calendars!.team.holidays).toEqual(expect.arrayContaining(['2026-12-25', '2027-01-01']));
      expect(s.timeline.find((e) => e.kind === 'calendar' && e.detail.startsWith("The team's"))!.detail).toContain('US-IL');

      // Thursday 24 Dec 16:00 is a business day: reminded. Friday 25 Dec is Christmas: not.
      await t.sleepUntil(Date.parse('2026-12-24T22:00:00Z') + HOUR); // Thursday 17:00 Chicago
      await settle(() => slackSteps(t.standIns, id).includes('notes-2026-12-24-csm'));
      s = await get(handle);
      expect(wall(Date.parse(s.deadlines.find((d) => d.name === 'notes-reminder')!.at), chicago)).toBe('Mon 2026-12-28 16:00');
      await t.sleepUntil(Date.parse('2026-12-28T21:00:00Z')); // Monday 15:00 Chicago
      s = await get(handle);
      expect(slackSteps(t.standIns, id).filter((st) => st.startsWith('notes-'))).toEqual(['notes-2026-12-23-csm', 'notes-2026-12-24-csm']);
      expect(s.timeline.filter((e) => e.kind === 'reminder' && e.detail.includes('2026-12-25'))).toEqual([]);
      await send(handle, { type: 'churned', actor: 'csm' });
      await handle.result();
    });
  });
});
