// Case notes: every step of the escalation is noted on its CRM case ("Escalation Notes"). Notes queue
// in the state and go out once the case number is known; while the CRM cannot be reached they wait and
// are tried again in 30 minutes, without holding up the escalation's timers. An event that would
// queue a note while NOTES_WAITING_MAX wait is refused (429) up front; a queued note is never dropped.
import { notes, summary } from '../kit/activities.js';
import { failureReason, isPermanent } from '../kit/failures.js';
import { postSlack } from '../kit/notify.js';
import type { AccountEscalationEvent } from './contract.js';
import type { AccountEscalation } from './escalation.js';
import { CASE_NOTES_RETRY, NOTES_WAITING_MAX } from './sop.js';
import { busy } from '../kit/messages.js';
import { slack } from '../kit/slack-text.js';

/**
 * Queues a note for the case (dated when its event happened, else now); sent by the loop once the case number is known. Never drops one (issue
 * 17 item 15: never accept-then-drop): the queue is bounded up front instead, by `refuseWhenNotesWait`
 * (events) and by the engine's own notes being few (at most one per step a timer takes: the missed
 * meeting, a contact series' end, a renegotiation's date; see PENDING_CASE_NOTES_MAX). The queue is
 * part of the state, so it is carried over when the run continues as new.
 */
export function caseNote(a: AccountEscalation, kind: string, text: string, author: string): void {
  const { d } = a;
  d.seq += 1;
  d.pendingCaseNotes.push({ key: `${kind}-${d.seq}`, kind, text, author, at: new Date(a.esc.eventInstant()).toISOString(), status: a.esc.status });
}

/**
 * The events that queue a case note (every one but case-created, which brings the case number the
 * queue waits for, and contact-attempted, which notes nothing): refused up front with 429 (try again
 * shortly) while NOTES_WAITING_MAX notes wait, rather than accepted and a note dropped later.
 */
export function refuseWhenNotesWait(a: AccountEscalation, event: AccountEscalationEvent): void {
  const { d } = a;
  if (event.type === 'case-created' || event.type === 'contact-attempted') return;
  if (d.pendingCaseNotes.length < NOTES_WAITING_MAX) return;
  const why = d.case.number ? `the CRM has not taken them yet (case ${d.case.number})` : 'the escalation has no case number yet (send case-created)';
  busy(`${d.pendingCaseNotes.length} notes are waiting to go to the case: ${why}; '${event.type}' adds another, so send it again shortly`);
}

/** Sends the queued notes in order (after every round of the loop, and when the retry deadline comes). */
export async function flushCaseNotes(a: AccountEscalation): Promise<void> {
  const { d, esc } = a;
  if (esc.deadlines.list().some((x) => x.name === 'case-notes-retry')) return; // the CRM was down: wait for the retry
  for (let note = d.pendingCaseNotes[0]; note && d.case.number; note = d.pendingCaseNotes[0]) {
    try {
      await notes.addCaseNote.executeWithOptions(summary(`Case note '${note.key}' on case ${d.case.number}`), [
        { escalationId: esc.escalationId, caseNumber: d.case.number, ...note },
      ]);
      d.caseNotesSent += 1;
    } catch (err) {
      if (!isPermanent(err)) {
        esc.deadlines.add('case-notes-retry', Date.now(), CASE_NOTES_RETRY, 'Send the case notes the CRM could not take');
        esc.timeline.add('step-delayed', `${d.pendingCaseNotes.length} case note(s) wait: ${failureReason(err)}; trying again in 30 minutes`, 'engine');
        return;
      }
      esc.timeline.add('step-failed', `Case note '${note.key}' not added to ${d.case.number}: ${failureReason(err)}`, 'engine');
    }
    d.pendingCaseNotes.shift();
  }
}

/** case-created: the case was made by hand (the CRM could not be reached); its number goes to the FMC channel. */
export function caseCreatedByHand(a: AccountEscalation, event: Extract<AccountEscalationEvent, { type: 'case-created' }>, by: string): void {
  const { d, esc } = a;
  d.case = { number: event.caseNumber, url: null, source: 'manual', problem: d.case.problem };
  esc.closeTask('create-case');
  esc.timeline.add('case-linked', `Escalation case ${event.caseNumber} recorded by hand`, by);
  if (d.slackChannel) {
    const channel = d.slackChannel.id;
    a.agenda.later(() => postSlack(esc, { step: `case-number-${event.caseNumber}`, target: { channel }, text: slack`Escalation case number: ${event.caseNumber}` }));
  }
}
