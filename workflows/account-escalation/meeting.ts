// Explicit complaint (SOP: "schedule a meeting with the Customer and TL within 24 hours"): the CSM's
// task, a reminder 4 hours before the 24 hours end, and at 24 hours without a scheduled meeting the TL
// and their manager are told. Scheduled ("meeting-scheduled", for when) and held ("meeting-held") are
// two steps: once scheduled, the CSM is asked an hour after its time to record that it was held (or
// to reschedule it). Runs begun before issue 17 required the meeting to be *held* within 24 hours.
import { caseNote } from './case-notes.js';
import type { AccountEscalationEvent } from './contract.js';
import type { AccountEscalation } from './escalation.js';
import { MEETING_DEADLINE, MEETING_HELD_CHECK_AFTER, MEETING_REMINDER_BEFORE } from './sop.js';
import { mention, slack } from '../kit/slack-text.js';

const meetingHeldButton = [{ event: 'meeting-held', label: 'Meeting held', style: 'primary' as const }];

/** The meeting task, its deadline (24 hours after the complaint) and the reminder before it. */
export function armMeeting(a: AccountEscalation): void {
  const { esc, d, input } = a;
  const due = Date.parse(input.escalatedAt) + MEETING_DEADLINE;
  d.meeting.dueAt = new Date(due).toISOString();
  if (a.sopIssue17) {
    d.meeting.scheduledAt = null;
    d.meeting.scheduledFor = null;
    esc.openTask('meeting', d.csm, `Schedule a meeting with the customer and the TL (${d.teamLead}) by ${a.local(due, d.account.timeZone)}; record meeting-scheduled with its time`);
  } else {
    esc.openTask('meeting', d.csm, `Hold a meeting with the customer and the TL (${d.teamLead}) by ${a.local(due, d.account.timeZone)}`);
  }
  if (due - MEETING_REMINDER_BEFORE > Date.now()) {
    esc.deadlines.add(
      'meeting-reminder',
      due,
      -MEETING_REMINDER_BEFORE,
      a.sopIssue17 ? 'Reminder: the meeting with the customer and the TL must be scheduled within 4 hours' : 'Reminder: the meeting with the customer and the TL is due in 4 hours',
    );
  }
  esc.deadlines.add(
    'meeting-deadline',
    due,
    0,
    a.sopIssue17 ? 'Meeting with the customer and the TL scheduled within 24 hours of the explicit complaint' : 'Meeting with the customer and the TL within 24 hours of the explicit complaint',
  );
}

const settled = (a: AccountEscalation) => a.d.meeting.heldAt !== null || (a.sopIssue17 && (a.d.meeting.scheduledAt ?? null) !== null);

/** Deadline `meeting-reminder`. */
export async function meetingReminder(a: AccountEscalation): Promise<void> {
  const { d } = a;
  if (settled(a) || !d.meeting.dueAt) return;
  a.esc.timeline.add('reminder', `Meeting with the customer and the TL ${a.sopIssue17 ? 'to be scheduled' : 'due'} by ${d.meeting.dueAt}; reminded the CSM and the TL`);
  await a.dm(
    'meeting-reminder',
    [d.csm, d.teamLead],
    a.sopIssue17
      ? slack`:alarm_clock: ${d.account.name}: the meeting with the customer and ${mention.person(d.teamLead)} must be scheduled by ${a.local(d.meeting.dueAt, d.account.timeZone)} (in 4 hours). Record meeting-scheduled with its time once it is set.`
      : slack`:alarm_clock: ${d.account.name}: the meeting with the customer and ${mention.person(d.teamLead)} must happen by ${a.local(d.meeting.dueAt, d.account.timeZone)} (in 4 hours). Record meeting-held once it took place.`,
    a.sopIssue17 ? undefined : meetingHeldButton,
  );
}

/** Deadline `meeting-deadline`: missed. */
export async function meetingDeadline(a: AccountEscalation): Promise<void> {
  const { d, esc } = a;
  if (settled(a) || !d.meeting.dueAt) return;
  d.meeting.missed = true;
  esc.deadlines.clear('meeting-reminder');
  const what = a.sopIssue17 ? 'No meeting with the customer and the TL scheduled' : 'No meeting with the customer and the TL';
  esc.timeline.add('deadline-missed', `${what} within 24 hours of the explicit complaint (due ${d.meeting.dueAt})`, 'engine', {
    deadline: 'meeting-deadline',
  });
  caseNote(a, 'meeting', `Meeting deadline missed: ${what.charAt(0).toLowerCase()}${what.slice(1)} within 24 hours (due ${d.meeting.dueAt}).`, 'engine');
  const to = [d.teamLead, ...(d.teamLeadManager ? [d.teamLeadManager] : [])];
  await a.dm(
    'meeting-missed',
    to,
    a.sopIssue17
      ? slack`:red_circle: ${d.account.name}: the 24-hour deadline to schedule the meeting with the customer and the TL passed (${a.local(d.meeting.dueAt, d.account.timeZone)}) with no meeting scheduled. CSM: ${mention.person(d.csm)}, case ${d.case.number ?? '(none yet)'}.`
      : slack`:red_circle: ${d.account.name}: the 24-hour deadline for the meeting with the customer and the TL passed (${a.local(d.meeting.dueAt, d.account.timeZone)}) without a meeting. CSM: ${mention.person(d.csm)}, case ${d.case.number ?? '(none yet)'}.`,
  );
}

/** meeting-scheduled: the 24-hour deadline is met (or, late, recorded as late); held is asked for after its time. Again: rescheduled. */
export function meetingScheduled(a: AccountEscalation, event: Extract<AccountEscalationEvent, { type: 'meeting-scheduled' }>, by: string, at: string): void {
  const { d, esc } = a;
  const first = (d.meeting.scheduledAt ?? null) === null;
  const previous = d.meeting.scheduledFor ?? null;
  d.meeting.scheduledAt ??= at;
  d.meeting.scheduledFor = event.scheduledFor;
  const late = first && d.meeting.dueAt !== null && Date.parse(at) > Date.parse(d.meeting.dueAt);
  if (a.sopIssue17) {
    esc.deadlines.clear('meeting-reminder');
    esc.deadlines.clear('meeting-deadline');
    esc.closeTask('meeting');
    if (!d.meeting.heldAt) {
      esc.closeTask('meeting-held');
      esc.openTask('meeting-held', d.csm, `Hold the meeting with the customer and the TL on ${a.local(event.scheduledFor, d.account.timeZone)}, then record meeting-held`);
      esc.deadlines.add('meeting-held-check', event.scheduledFor, MEETING_HELD_CHECK_AFTER, 'Ask the CSM whether the scheduled meeting took place');
    }
  }
  const when = a.local(event.scheduledFor, d.account.timeZone);
  const detail = first
    ? `Meeting with the customer and the TL scheduled for ${when}${late ? ' (scheduled after the 24-hour deadline)' : ''}`
    : `Meeting with the customer and the TL rescheduled from ${previous ? a.local(previous, d.account.timeZone) : '(none)'} to ${when}`;
  esc.timeline.add('meeting-scheduled', detail, by, { scheduledFor: event.scheduledFor, ...(late && { late }) });
  caseNote(a, 'meeting', `${detail}.`, by);
}

/** Deadline `meeting-held-check`: the scheduled time has passed without meeting-held. */
export async function meetingHeldCheck(a: AccountEscalation): Promise<void> {
  const { d } = a;
  if (d.meeting.heldAt || !d.meeting.scheduledFor) return;
  a.esc.timeline.add('reminder', `The meeting scheduled for ${d.meeting.scheduledFor} is not recorded as held; asked the CSM`);
  await a.dm(
    `meeting-held-check-${d.meeting.scheduledFor}`,
    [d.csm],
    slack`:calendar: ${d.account.name}: the meeting with the customer and the TL was scheduled for ${a.local(d.meeting.scheduledFor, d.account.timeZone)}. Record meeting-held if it took place, or meeting-scheduled with the new time.`,
    meetingHeldButton,
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
  esc.deadlines.clear('meeting-held-check');
  esc.closeTask('meeting');
  esc.closeTask('meeting-held');
  // Held is also scheduled: the 24 hours judge when it was arranged, and a meeting held at once was arranged at once.
  const late = a.sopIssue17
    ? (d.meeting.scheduledAt ?? null) === null && d.meeting.dueAt !== null && Date.parse(at) > Date.parse(d.meeting.dueAt)
    : d.meeting.dueAt !== null && Date.parse(heldAt) > Date.parse(d.meeting.dueAt);
  if (a.sopIssue17) d.meeting.scheduledAt ??= at;
  caseNote(a, 'meeting', `Meeting with the customer and the TL held at ${heldAt}${late ? ' (after the 24-hour deadline)' : ''}${event.summary ? `: ${event.summary}` : ''}.`, by);
}
