// Case notes: every step of the escalation is noted on its CRM case ("Escalation Notes"). Notes queue
// in the state and go out once the case number is known; while the CRM cannot be reached they wait and
// are tried again in 30 minutes, without holding up the escalation's timers.
import { notes, summary } from '../kit/activities.js';
import { failureReason, isPermanent } from '../kit/failures.js';
import { postSlack } from '../kit/notify.js';
import type { AccountEscalationEvent } from './contract.js';
import type { AccountEscalation } from './escalation.js';
import { CASE_NOTES_RETRY, PENDING_CASE_NOTES_MAX } from './sop.js';
import { slack } from '../kit/slack-text.js';

/** Queues a note for the case (dated when its event happened, else now); sent by the loop once the case number is known. */
export function caseNote(a: AccountEscalation, kind: string, text: string, author: string): void {
  const { d } = a;
  d.seq += 1;
  d.pendingCaseNotes.push({ key: `${kind}-${d.seq}`, kind, text, author, at: new Date(a.esc.eventInstant()).toISOString(), status: a.esc.status });
  if (d.pendingCaseNotes.length > PENDING_CASE_NOTES_MAX) {
    const dropped = d.pendingCaseNotes.shift()!;
    a.esc.timeline.add(
      'step-failed',
      d.case.number ? `Case note '${dropped.key}' dropped: ${PENDING_CASE_NOTES_MAX} notes wait for the CRM` : `Case note '${dropped.key}' dropped: no case number to attach it to`,
      'engine',
    );
  }
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
