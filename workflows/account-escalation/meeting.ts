// Explicit complaint (SOP: "the CSM sets a meeting with the customer and the TL within 24 hours"):
// the meeting task and its deadline, a reminder 4 hours before, and at 24 hours without a meeting the
// TL and their manager are told.
import { caseNote } from './case-notes.js';
import type { AccountEscalationEvent } from './contract.js';
import type { AccountEscalation } from './escalation.js';
import { MEETING_DEADLINE, MEETING_REMINDER_BEFORE } from './sop.js';
import { mention, slack } from '../kit/slack-text.js';

const meetingHeldButton = [{ event: 'meeting-held', label: 'Meeting held', style: 'primary' as const }];

/** The meeting task, its deadline (24 hours after the complaint) and the reminder before it. */
export function armMeeting(a: AccountEscalation): void {
  const { esc, d, input } = a;
  const due = Date.parse(input.escalatedAt) + MEETING_DEADLINE;
  d.meeting.dueAt = new Date(due).toISOString();
  esc.openTask('meeting', d.csm, `Hold a meeting with the customer and the TL (${d.teamLead}) by ${a.local(due, d.account.timeZone)}`);
  if (due - MEETING_REMINDER_BEFORE > Date.now()) {
    esc.deadlines.add('meeting-reminder', due, -MEETING_REMINDER_BEFORE, 'Reminder: the meeting with the customer and the TL is due in 4 hours');
  }
  esc.deadlines.add('meeting-deadline', due, 0, 'Meeting with the customer and the TL within 24 hours of the explicit complaint');
}

/** Deadline `meeting-reminder`. */
export async function meetingReminder(a: AccountEscalation): Promise<void> {
  const { d } = a;
  if (d.meeting.heldAt || !d.meeting.dueAt) return;
  a.esc.timeline.add('reminder', `Meeting with the customer and the TL due at ${d.meeting.dueAt}; reminded the CSM and the TL`);
  await a.dm(
    'meeting-reminder',
    [d.csm, d.teamLead],
    slack`:alarm_clock: ${d.account.name}: the meeting with the customer and ${mention.person(d.teamLead)} must happen by ${a.local(d.meeting.dueAt, d.account.timeZone)} (in 4 hours). Record meeting-held once it took place.`,
    meetingHeldButton,
  );
}

/** Deadline `meeting-deadline`: missed. */
export async function meetingDeadline(a: AccountEscalation): Promise<void> {
  const { d, esc } = a;
  if (d.meeting.heldAt || !d.meeting.dueAt) return;
  d.meeting.missed = true;
  esc.deadlines.clear('meeting-reminder');
  esc.timeline.add('deadline-missed', `No meeting with the customer and the TL within 24 hours of the explicit complaint (due ${d.meeting.dueAt})`, 'engine', {
    deadline: 'meeting-deadline',
  });
  caseNote(a, 'meeting', `Meeting deadline missed: no meeting with the customer and the TL within 24 hours (due ${d.meeting.dueAt}).`, 'engine');
  const to = [d.teamLead, ...(d.teamLeadManager ? [d.teamLeadManager] : [])];
  await a.dm(
    'meeting-missed',
    to,
    slack`:red_circle: ${d.account.name}: the 24-hour deadline for the meeting with the customer and the TL passed (${a.local(d.meeting.dueAt, d.account.timeZone)}) without a meeting. CSM: ${mention.person(d.csm)}, case ${d.case.number ?? '(none yet)'}.`,
  );
}

/** meeting-held (late ones are noted as late; a second one is only on the timeline). */
export function meetingHeld(a: AccountEscalation, event: Extract<AccountEscalationEvent, { type: 'meeting-held' }>, by: string, at: string): void {
  const { d, esc } = a;
  const heldAt = event.heldAt ?? at;
  if (d.meeting.heldAt) {
    esc.timeline.add('meeting', `Another meeting with the customer held at ${heldAt}`, by);
    return;
  }
  d.meeting.heldAt = heldAt;
  esc.deadlines.clear('meeting-reminder');
  esc.deadlines.clear('meeting-deadline');
  esc.closeTask('meeting');
  const late = d.meeting.dueAt !== null && Date.parse(heldAt) > Date.parse(d.meeting.dueAt);
  caseNote(a, 'meeting', `Meeting with the customer and the TL held at ${heldAt}${late ? ' (after the 24-hour deadline)' : ''}${event.summary ? `: ${event.summary}` : ''}.`, by);
}
