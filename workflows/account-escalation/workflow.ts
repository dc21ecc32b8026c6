// account-escalation (seed 002): a churn-risk customer worked by the CSM and their TL to avoid a
// cancellation; accounting approves or denies the resolution offer.
//
// The escalation lives for days to months, so it runs on the kit's agenda: every timer (meeting
// reminder and deadline, contact days, daily-notes reminders, finance follow-ups, the weekly finance
// meeting) is a named deadline in the state, events change the state at once and queue their side
// effects, and the loop fires whatever is due. All of it is data, so at a quiet moment, once the run's
// history has grown past MAX_RUN_EVENTS, the escalation continues as new and carries the state over
// (timeline trimmed and summarised): history and state stay bounded.
//
// Days are local: the 10 consecutive contact days count in the account's time zone, the daily notes
// on the team's business days (Monday to Friday), the finance meeting in its configured zone.
//
// One file per SOP section: opening, meeting, contact, notes, finance, renegotiation, case-notes,
// closing; events.ts checks and applies the events; sop.ts holds the SOP's numbers.
import { patched } from '@temporalio/workflow';
import { Agenda } from '../kit/agenda.js';
import { carryOver, continueWith, restore } from '../kit/carry-over.js';
import { refreshCalendars } from './calendars.js';
import { flushCaseNotes } from './case-notes.js';
import { contactDayEnds, contactDayStarts } from './contact.js';
import type { AccountEscalationCarried, AccountEscalationEvent, AccountEscalationInput, AccountEscalationState } from './contract.js';
import { AccountEscalation } from './escalation.js';
import { apply, validate } from './events.js';
import { financeFollowUp } from './finance.js';
import { meetingDeadline, meetingHeldCheck, meetingReminder } from './meeting.js';
import { notesReminder } from './notes.js';
import { open, prepareOpening } from './opening.js';
import { financeMeeting, financeMeetingReminder } from './renegotiation.js';
import { MAX_RUN_BYTES, MAX_RUN_EVENTS } from './sop.js';
import { closeRemainingPosts } from '../kit/notify.js';

export * from './sop.js';

/** patched() id: events are applied after the opening (or restored) state is in place. */
const EVENTS_AFTER_OPENING = 'account-escalation-events-after-opening';
/**
 * patched() id: the SOP as issue 17 reads it (business contact days, automatic emails not attempts,
 * the meeting scheduled within 24 hours, public holidays). Runs begun before keep the old rules.
 */
const SOP_ISSUE_17 = 'account-escalation-sop-issue-17';
export type { AccountEscalationDetails } from './contract.js';

export async function accountEscalation(input: AccountEscalationInput, carried?: AccountEscalationCarried): Promise<AccountEscalationState> {
  const a: AccountEscalation = new AccountEscalation(input, carried, (esc) =>
    new Agenda(esc, {
      afterDue: () => a.refreshWaitingFor(),
      afterDrain: () => flushCaseNotes(a),
      continueAsNew: {
        maxEvents: MAX_RUN_EVENTS,
        maxBytes: MAX_RUN_BYTES,
        next: () => {
          const next = carryOver(a.esc, { runs: a.d.runs, runsDropped: a.d.runsDropped });
          next.details = { ...next.details, runs: next.runs, runsDropped: next.runsDropped };
          return continueWith<typeof accountEscalation>(input, next);
        },
      },
    })
      .on('meeting-reminder', () => meetingReminder(a))
      .on('meeting-deadline', () => meetingDeadline(a))
      .on('meeting-held-check', () => meetingHeldCheck(a))
      .on('contact-day', () => contactDayStarts(a))
      .on('contact-day-end', () => contactDayEnds(a))
      .on('notes-reminder', async () => {
        // Before a look-up's year of public holidays runs out, the next one.
        if (a.sopIssue17) await refreshCalendars(a);
        await notesReminder(a);
      })
      .on('finance-follow-up', () => financeFollowUp(a))
      .on('finance-meeting-reminder', () => financeMeetingReminder(a))
      .on('finance-meeting', () => financeMeeting(a))
      .on('case-notes-retry', () => flushCaseNotes(a)),
  );
  const handleEvents = () =>
    a.esc.handleEvents<AccountEscalationEvent>({
      validate: (event) => validate(a, event),
      apply: (event) => {
        apply(a, event);
        a.agenda.changed();
        a.refreshWaitingFor();
      },
    });
  // An event that arrives with the start (in the first workflow task) is applied once the opening
  // state (or the carried one) is in place; before this patch it was applied first, and the opening
  // then overwrote its status (or the restored state missed it).
  const eventsAfterOpening = patched(EVENTS_AFTER_OPENING);
  a.sopIssue17 = patched(SOP_ISSUE_17);
  if (!eventsAfterOpening) handleEvents();

  if (carried) {
    restore(a.esc, carried);
    a.d.runs = carried.runs;
    a.d.runsDropped = carried.runsDropped;
    a.setStatus(a.esc.status);
    a.esc.timeline.add('run-continued', `Continued as new (run ${a.d.runs.length + a.d.runsDropped + 1}) to keep the history bounded`);
    if (eventsAfterOpening) handleEvents();
  } else {
    prepareOpening(a);
    if (eventsAfterOpening) handleEvents();
    await open(a);
  }
  await a.agenda.run();
  // Every post whose buttons still work says how the escalation ended (issue 16 item 9).
  await closeRemainingPosts(a.esc);
  return a.esc.state();
}
