// Renegotiation (SOP: "customer rejects -> the TL renegotiates at the next weekly finance meeting"):
// a timer to the next weekly meeting (FINANCE_MEETING, DST-correct), the TL reminded 24 hours before,
// then a new proposal round. A weekly meeting that falls on a public holiday of the team's calendar
// does not take place: the renegotiation goes to the next week's (the seed knows only "the weekly
// finance meeting", which a holiday cancels), and the timeline says so.
import { patched } from '@temporalio/workflow';
import { formatWeeklyTime, localDateKey, nextWeeklyOccurrence } from '../kit/calendar.js';
import { lookups, summary } from '../kit/activities.js';
import { failureReason } from '../kit/failures.js';
import { nowIso } from '../kit/time.js';
import { caseNote } from './case-notes.js';
import type { AccountEscalationEvent } from './contract.js';
import type { AccountEscalation } from './escalation.js';
import { FINANCE_MEETING_REMINDER_BEFORE } from './sop.js';
import { slack } from '../kit/slack-text.js';

/** patched() id: the weekly finance meeting skips the team's public holidays (issue 17 item 12); asked only when one falls on a holiday. */
const FINANCE_MEETING_HOLIDAYS = 'account-escalation-finance-meeting-holidays';

/** customer-rejected: the TL's renegotiation task; the meeting is looked up next. */
export function customerRejects(a: AccountEscalation, event: Extract<AccountEscalationEvent, { type: 'customer-rejected' }>, by: string, at: string): void {
  const { d, esc } = a;
  const p = a.currentProposal()!;
  p.customer = { decision: 'rejected', at, by, ...(event.reason && { reason: event.reason }) };
  esc.closeTask(`present-offer-${p.round}`);
  d.renegotiation = { round: p.round, requestedAt: at, schedule: null, meetingAt: null, meetingHeldAt: null };
  a.setStatus('renegotiation');
  esc.openTask(`renegotiate-${p.round}`, d.teamLead, `Renegotiate ${d.account.name}'s offer at the next weekly finance meeting`);
  a.agenda.later(() => scheduleRenegotiation(a, p.round));
}

async function scheduleRenegotiation(a: AccountEscalation, round: number): Promise<void> {
  const { d, esc } = a;
  const r = d.renegotiation;
  if (!r || r.round !== round || esc.status !== 'renegotiation') return;
  let slot;
  try {
    slot = await lookups.financeMeetingSchedule.executeWithOptions(summary('Weekly finance meeting schedule'), []);
  } catch (err) {
    esc.timeline.add('step-failed', `Weekly finance meeting schedule not available: ${failureReason(err)}`, 'engine');
    await a.dm(`renegotiation-${round}`, [d.teamLead], slack`:leftwards_arrow_with_hook: ${d.account.name}: the customer rejected the offer (round ${round}). Put it on the next weekly finance meeting to renegotiate, then propose again.`);
    return;
  }
  if (d.renegotiation !== r || esc.status !== 'renegotiation') return; // something moved on meanwhile
  let at = nextWeeklyOccurrence(slot, Date.now());
  const holidays = a.teamHolidays();
  if (holidays.includes(localDateKey(at, slot.timeZone)) && patched(FINANCE_MEETING_HOLIDAYS)) {
    const skipped = localDateKey(at, slot.timeZone);
    at = nextWeeklyOccurrence(slot, Date.now(), holidays);
    esc.timeline.add('finance-meeting-moved', `The weekly finance meeting on ${skipped} falls on a public holiday of the team's calendar: the renegotiation goes to the next one (${localDateKey(at, slot.timeZone)})`, 'engine', { skipped });
  }
  r.schedule = formatWeeklyTime(slot);
  r.meetingAt = new Date(at).toISOString();
  const when = a.local(at, slot.timeZone);
  esc.deadlines.add('finance-meeting', at, 0, `Weekly finance meeting (${r.schedule}): the TL renegotiates the offer`);
  if (at - FINANCE_MEETING_REMINDER_BEFORE > Date.now()) {
    esc.deadlines.add('finance-meeting-reminder', at, -FINANCE_MEETING_REMINDER_BEFORE, "Reminder to the TL: renegotiation at tomorrow's finance meeting");
  }
  esc.timeline.add('renegotiation-scheduled', `Renegotiation at the weekly finance meeting on ${when} (${r.schedule})`, 'engine', { meetingAt: r.meetingAt });
  caseNote(a, 'resolution', `Customer rejected offer round ${round}; the TL renegotiates at the weekly finance meeting on ${when}.`, 'engine');
  await a.dm(
    `renegotiation-${round}`,
    [d.teamLead],
    slack`:leftwards_arrow_with_hook: ${d.account.name}: the customer rejected the offer (round ${round})${a.currentProposal()?.customer?.reason ? `: ${a.currentProposal()!.customer!.reason}` : ''}. You renegotiate it at the weekly finance meeting on ${when}; then propose the new offer (resolution-proposed).`,
  );
}

/** Deadline `finance-meeting-reminder`. */
export async function financeMeetingReminder(a: AccountEscalation): Promise<void> {
  const { d } = a;
  const r = d.renegotiation;
  if (!r?.meetingAt || a.esc.status !== 'renegotiation') return;
  a.esc.timeline.add('reminder', `Reminded the TL of the renegotiation at the finance meeting on ${r.meetingAt}`);
  await a.dm(
    `finance-meeting-reminder-${r.round}`,
    [d.teamLead],
    slack`:calendar: Reminder: ${d.account.name}'s rejected offer (round ${r.round}) is yours to renegotiate at the weekly finance meeting on ${a.local(r.meetingAt, d.teamTimeZone)}. Bring the case${d.case.number ? ` ${d.case.number}` : ''} and the customer's objections.`,
  );
}

/** Deadline `finance-meeting`: the meeting is now; a new proposal round follows. */
export async function financeMeeting(a: AccountEscalation): Promise<void> {
  const { d, esc } = a;
  const r = d.renegotiation;
  if (!r || esc.status !== 'renegotiation') return;
  r.meetingHeldAt = nowIso();
  esc.timeline.add('finance-meeting', `Weekly finance meeting: the TL renegotiates ${d.account.name}'s offer (round ${r.round}); a new proposal round follows`);
  esc.openTask(`propose-round-${r.round + 1}`, d.teamLead, `Record the renegotiated offer for ${d.account.name} (resolution-proposed), or the churn`);
  a.setStatus('renegotiation');
  await a.dm(
    `finance-meeting-${r.round}`,
    [d.teamLead],
    slack`:handshake: The weekly finance meeting is now: renegotiate ${d.account.name}'s offer (round ${r.round} was rejected), then record the new proposal (resolution-proposed).`,
  );
}
