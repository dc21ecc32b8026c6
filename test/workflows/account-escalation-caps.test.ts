// account-escalation, capped repeating reminders (issue 17 item 19, kit/reminders.ts): accounting's
// follow-ups about an undecided offer, the CSM's daily-note reminders and a contact series' restarts
// each stop at their cap with one final step to the TL and their manager, and nothing after it.
// Under the time-skipping server at the real business-day cadence, in the next April whose 12th is a
// Monday (2027, 2032, 2038, ...: no Illinois holidays in the weeks the scenarios span).
import { describe, expect, it } from 'vitest';
import type { AccountEscalationDetails } from '../../workflows/account-escalation/workflow.js';
import { CONTACT_RESTARTS_MAX, FINANCE_FOLLOW_UPS_MAX, NOTES_REMINDERS_MAX } from '../../workflows/account-escalation/sop.js';
import type { EscalationState } from '../../workflows/kit/state.js';
import { accountEscalationInput, nextYearWith, wall } from '../helpers/account-fixtures.js';
import { accountEscalationTestEnv, DAY, HOUR, MIN, send, settle, slackSteps, state } from '../helpers/account-escalation-env.js';

const t = accountEscalationTestEnv();
type State = EscalationState<string, AccountEscalationDetails>;
const get = async (h: Parameters<typeof state>[0]) => (await state(h)) as State;
const chicago = 'America/Chicago';
/** The scenarios' year: Monday 12 April, 10:00 in Chicago (CDT), is still ahead. */
const Y = nextYearWith(Date.now(), 4, 12, 1);
const MONDAY = Date.parse(`${Y}-04-12T15:00:00Z`);

describe('account-escalation: every repeating reminder stops at its cap with a final step', () => {
  it(`accounting is reminded on ${FINANCE_FOLLOW_UPS_MAX} business mornings, then the TL and their manager once, then nothing`, async () => {
    await t.withWorker(async (taskQueue) => {
      await t.sleepUntil(MONDAY);
      const handle = await t.start(taskQueue, accountEscalationInput(await t.env.currentTimeMs()));
      const id = handle.workflowId;
      await settle(async () => (await get(handle)).details.case.number !== null);
      await send(handle, { type: 'resolution-proposed', actor: 'csm', offer: '10% off for 6 months' });
      await settle(() => slackSteps(t.standIns, id).includes('finance-request-1'));
      const followUps = () => slackSteps(t.standIns, id).filter((st) => st.startsWith('finance-follow-up-1-'));

      // Tue 13 .. Mon 19 April at 10:00: five reminders; Tuesday 20 April 10:00: the final step.
      await t.sleepUntil(Date.parse(`${Y}-04-20T15:00:00Z`) + HOUR);
      await settle(() => slackSteps(t.standIns, id).includes('finance-follow-up-final-1-cs-manager'));
      expect(followUps()).toEqual([`${Y}-04-13`, `${Y}-04-14`, `${Y}-04-15`, `${Y}-04-16`, `${Y}-04-19`].map((day) => `finance-follow-up-1-${day}`));
      const final = slackSteps(t.standIns, id).filter((st) => st.startsWith('finance-follow-up-final-'));
      expect(final).toEqual(['finance-follow-up-final-1-cs-team-lead', 'finance-follow-up-final-1-cs-manager']);
      let s = await get(handle);
      // (The CSM recorded no note that week either: the notes reminder reached its own cap.)
      const financeCapped = (x: State) => x.timeline.filter((e) => e.kind === 'reminder-capped' && String(e.data?.reminder).startsWith('finance-'));
      const capped = financeCapped(s);
      expect(capped).toHaveLength(1);
      expect(capped[0]).toMatchObject({ data: { reminder: 'finance-follow-up-1', sent: FINANCE_FOLLOW_UPS_MAX } });
      expect(wall(Date.parse(capped[0]!.at), chicago)).toBe(`Tue ${Y}-04-20 10:00`);
      expect(capped[0]!.detail).toContain("the TL and the TL's manager");
      expect(s.tasks.find((x) => x.id === 'chase-finance-1')).toMatchObject({ assignee: 'cs-team-lead', status: 'open' });
      expect(s.deadlines.map((d) => d.name)).not.toContain('finance-follow-up');
      expect(s.status).toBe('pending-finance');

      // Two more weeks: nothing more goes out.
      await t.sleepUntil(Date.parse(`${Y}-05-04T15:00:00Z`) + HOUR);
      s = await get(handle);
      expect(followUps()).toHaveLength(FINANCE_FOLLOW_UPS_MAX);
      expect(financeCapped(s)).toHaveLength(1);

      // The decision still counts, and closes the TL's task.
      s = (await send(handle, { type: 'finance-approved', actor: 'accounting-analyst' })) as State;
      expect(s.status).toBe('approved');
      expect(s.tasks.find((x) => x.id === 'chase-finance-1')?.status).toBe('done');
      await send(handle, { type: 'churned', actor: 'csm' });
      await handle.result();
    });
  });

  it(`the CSM is reminded of a missing note on ${NOTES_REMINDERS_MAX} business days in a row, then the TL and their manager once; a note starts the count again`, async () => {
    await t.withWorker(async (taskQueue) => {
      await t.sleepUntil(MONDAY);
      const handle = await t.start(taskQueue, accountEscalationInput(await t.env.currentTimeMs()));
      const id = handle.workflowId;
      const csmReminders = () => slackSteps(t.standIns, id).filter((st) => /^notes-\d{4}-\d\d-\d\d-csm$/.test(st));

      // Mon 12 .. Fri 16 April at 16:00: five reminders; Monday 19 April: the final step; then silence.
      await t.sleepUntil(Date.parse(`${Y}-04-19T21:00:00Z`) + HOUR);
      await settle(() => slackSteps(t.standIns, id).includes(`notes-final-${Y}-04-19-cs-manager`));
      expect(csmReminders()).toEqual(['12', '13', '14', '15', '16'].map((d) => `notes-${Y}-04-${d}-csm`));
      expect(slackSteps(t.standIns, id).filter((st) => st.startsWith('notes-final-'))).toEqual([`notes-final-${Y}-04-19-cs-team-lead`, `notes-final-${Y}-04-19-cs-manager`]);
      await t.sleepUntil(Date.parse(`${Y}-04-20T21:00:00Z`) + HOUR); // Tuesday 17:00
      let s = await get(handle);
      expect(csmReminders()).toHaveLength(NOTES_REMINDERS_MAX);
      expect(s.timeline.filter((e) => e.kind === 'reminder-capped')).toEqual([
        expect.objectContaining({ data: { reminder: 'notes-reminder', sent: NOTES_REMINDERS_MAX } }),
      ]);
      // The check stays armed (no post), so the reminders resume once a note is recorded.
      expect(wall(Date.parse(s.deadlines.find((d) => d.name === 'notes-reminder')!.at), chicago)).toBe(`Wed ${Y}-04-21 16:00`);

      // Wednesday's note; Thursday without one: the CSM is reminded again.
      await t.sleepUntil(Date.parse(`${Y}-04-21T15:00:00Z`));
      await send(handle, { type: 'note', actor: 'csm', text: 'Back from leave: called the customer.' });
      await t.sleepUntil(Date.parse(`${Y}-04-22T21:00:00Z`) + HOUR);
      await settle(() => csmReminders().includes(`notes-${Y}-04-22-csm`));
      s = await get(handle);
      expect(csmReminders()).toHaveLength(NOTES_REMINDERS_MAX + 1);
      expect(s.timeline.findLast((e) => e.kind === 'reminder')!.detail).toContain(`(1 of ${NOTES_REMINDERS_MAX} in a row)`);
      await send(handle, { type: 'churned', actor: 'csm' });
      await handle.result();
    });
  });

  it(`a contact series starts over after at most ${CONTACT_RESTARTS_MAX} missed days; the next one stops it and hands it to the TL`, async () => {
    await t.withWorker(async (taskQueue) => {
      await t.sleepUntil(MONDAY);
      const handle = await t.start(taskQueue, accountEscalationInput(await t.env.currentTimeMs(), { trigger: 'unresponsive-after-issue' }));
      const id = handle.workflowId;
      await settle(async () => (await get(handle)).details.contact !== null);
      const missedDms = () => slackSteps(t.standIns, id).filter((st) => st.startsWith('contact-missed-'));

      // Nobody tries: Mon, Tue, Wed missed (the count starts over), Thursday's miss stops the series.
      await t.sleepUntil(Date.parse(`${Y}-04-16T05:00:00Z`) + MIN); // Friday 00:01 Chicago
      await settle(() => slackSteps(t.standIns, id).includes('contact-stopped-1-cs-manager'));
      expect(missedDms()).toEqual(
        ['12', '13', '14'].flatMap((d) => [`contact-missed-1-${Y}-04-${d}-csm`, `contact-missed-1-${Y}-04-${d}-cs-team-lead`]),
      );
      expect(slackSteps(t.standIns, id).filter((st) => st.startsWith('contact-stopped-'))).toEqual(['contact-stopped-1-cs-team-lead', 'contact-stopped-1-cs-manager']);
      let s = await get(handle);
      expect(s.details.contact).toMatchObject({ state: 'stopped', daysDone: 0 });
      expect(s.status).toBe('open');
      expect(s.deadlines.map((d) => d.name).filter((n) => n.startsWith('contact-'))).toEqual([]);
      expect(s.tasks.find((x) => x.id === 'decide-resolution-1')).toMatchObject({ assignee: 'cs-team-lead', status: 'open' });
      expect(s.tasks.filter((x) => x.id.startsWith('contact-') && x.status === 'open')).toEqual([]);
      expect(s.timeline.filter((e) => e.kind === 'reminder-capped')).toEqual([
        expect.objectContaining({ data: { reminder: 'contact-missed-1', sent: CONTACT_RESTARTS_MAX } }),
      ]);
      expect(s.timeline.find((e) => e.kind === 'contact-series-stopped')!.detail).toContain(`${Y}-04-15 (4 missed days`);
      expect(s.waitingFor).toEqual(expect.arrayContaining(['resolution-proposed']));

      // A week on: no contact task, DM or miss.
      await t.sleepUntil(Date.parse(`${Y}-04-23T15:00:00Z`));
      const before = slackSteps(t.standIns, id).filter((st) => st.startsWith('contact-')).length;
      await t.sleepUntil(Date.parse(`${Y}-04-23T15:00:00Z`) + 7 * DAY);
      expect(slackSteps(t.standIns, id).filter((st) => st.startsWith('contact-'))).toHaveLength(before);

      // The TL starts the attempts again: a new series with its own count.
      s = (await send(handle, { type: 'customer-unresponsive', actor: 'cs-team-lead' })) as State;
      expect(s.details.contact).toMatchObject({ number: 2, state: 'running', daysDone: 0 });
      await send(handle, { type: 'churned', actor: 'csm' });
      await handle.result();
    });
  });
});
