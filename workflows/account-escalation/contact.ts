// Unresponsive customer (SOP: "try to reach the customer on 10 consecutive days"): a contact task
// (and optional email) on each business day of the account's calendar (its time zone, Monday to
// Friday, its public holidays), like the daily notes; a business day without an attempt restarts the
// count, a weekend or holiday neither counts nor breaks it; a response ends the series; after 10
// days the customer is recorded unresponsive and the resolution is decided next. An attempt is what
// a person did (call, personal email): the automatic follow-up email is recorded, and counts only
// when the input says so (`followUpEmailsCountAsAttempts`). The restarts are capped
// (CONTACT_RESTARTS_MAX, kit/reminders.ts): the missed day after the last restart stops the series
// and hands the decision to the TL (and their manager), so a series nobody works cannot DM for ever.
import { atLocalTime, isBusinessDay, localDateKey, localParts, nextBusinessDayAt, startOfNextLocalDay } from '../kit/calendar.js';
import { sendEmail } from '../kit/notify.js';
import { nowIso } from '../kit/time.js';
import { caseNote } from './case-notes.js';
import type { AccountEscalation } from './escalation.js';
import { ATTEMPT_DAYS_KEPT, CONTACT_DAYS, CONTACT_LAST_START, CONTACT_RESTARTS_MAX, CONTACT_TIME } from './sop.js';
import type { ReminderPolicy } from '../kit/reminders.js';
import { hours } from '../kit/time.js';

/** A contact series' restarts after a missed day, one count per series. */
export const CONTACT_RESTARTS: ReminderPolicy = {
  id: 'contact-missed',
  maxCount: CONTACT_RESTARTS_MAX,
  minIntervalMs: hours(12),
  finalTo: "the TL and the TL's manager",
};
import { slack } from '../kit/slack-text.js';

export function startContactSeries(a: AccountEscalation, why: string): void {
  const { d, esc } = a;
  // When the customer-unresponsive event was received (the opening's time when it opened so).
  const now = esc.eventInstant();
  const tz = d.account.timeZone;
  const number = (d.contact?.number ?? 0) + 1;
  d.contact = { number, startedAt: new Date(now).toISOString(), state: 'running', daysDone: 0, currentDay: null, attemptedDays: [], missedDays: [], endedAt: null };
  const today = localParts(now, tz);
  const beforeLastStart = today.hour * 60 + today.minute < CONTACT_LAST_START.hour * 60 + CONTACT_LAST_START.minute;
  const first = !a.sopIssue17
    ? beforeLastStart
      ? Math.max(now, atLocalTime(now, tz, CONTACT_TIME))
      : atLocalTime(now, tz, CONTACT_TIME, 1)
    : beforeLastStart && isBusinessDay(now, tz, a.accountHolidays())
      ? Math.max(now, atLocalTime(now, tz, CONTACT_TIME))
      : nextBusinessDayAt(atLocalTime(now, tz, CONTACT_TIME), tz, CONTACT_TIME, a.accountHolidays());
  esc.deadlines.add('contact-day', first, 0, `Contact attempt day 1 of ${CONTACT_DAYS}`);
  const days = a.sopIssue17 ? `${CONTACT_DAYS} consecutive business days` : `${CONTACT_DAYS} consecutive days`;
  esc.timeline.add('contact-series-started', `Contact attempts on ${days} start (${why}); days count in ${tz}${a.sopIssue17 ? ", the account's business days" : ''}`, 'engine', {
    firstAttemptAt: new Date(first).toISOString(),
  });
  a.setStatus('waiting-for-customer');
  caseNote(a, 'contact', `Customer unresponsive: contact attempts on ${CONTACT_DAYS} consecutive days started (${why}).`, 'engine');
}

/** Deadline `contact-day`: the day's task, DM and (optionally) email. */
export async function contactDayStarts(a: AccountEscalation): Promise<void> {
  const { d, esc, input } = a;
  const series = d.contact;
  if (!series || series.state !== 'running') return;
  const tz = d.account.timeZone;
  const now = Date.now();
  const day = localDateKey(now, tz);
  const n = series.daysDone + 1;
  series.currentDay = day;
  esc.deadlines.add('contact-day-end', startOfNextLocalDay(now, tz), 0, `End of contact day ${n} of ${CONTACT_DAYS} (${day}, ${tz})`);
  if (series.attemptedDays.includes(day)) return; // already tried today before the contact time
  esc.openTask(`contact-${day}`, d.csm, `Contact attempt ${n}/${CONTACT_DAYS} (${day}): try to reach ${d.customerContact.name}; record contact-attempted or customer-responded`);
  await a.dm(
    `contact-${series.number}-${day}`,
    [d.csm],
    slack`:telephone_receiver: ${d.account.name}: contact attempt ${n} of ${CONTACT_DAYS} consecutive days (${day}). Try to reach ${d.customerContact.name} (${d.customerContact.email}${input.customerContact.phone ? `, ${input.customerContact.phone}` : ''}) and record the attempt.${input.followUpEmails ? ' A follow-up email goes to the customer today as well.' : ''}`,
    [
      { event: 'contact-attempted', label: 'Contact attempted' },
      { event: 'customer-responded', label: 'Customer responded', style: 'primary' },
    ],
  );
  if (input.followUpEmails) {
    const sent = await sendEmail(esc, {
      step: `contact-email-${series.number}-${day}`,
      template: 'account-follow-up',
      locale: input.locale ?? 'en',
      to: input.customerContact,
      ccPeople: [d.csm],
      values: { clientName: d.customerContact.name, accountName: d.account.name },
      // The CSM works the case and signs it (issue 17 item 9); unknown to the directory: the team signs.
      signedBy: [d.csm],
    }, {
      tell: (reason) => a.dm(`contact-email-${series.number}-${day}-not-sent`, [d.csm], slack`:warning: ${d.account.name}: today's follow-up email to ${d.customerContact.name} was *not* sent (${reason}).`),
    });
    if (sent && d.contact?.state === 'running') {
      if (!a.sopIssue17 || input.followUpEmailsCountAsAttempts) recordAttempt(a, day, 'engine', 'email');
      else recordFollowUpEmail(a, day);
    }
  }
}

/** The automatic follow-up email went out: recorded, but the day still waits for a person's attempt. */
function recordFollowUpEmail(a: AccountEscalation, day: string): void {
  const series = a.d.contact!;
  series.emailedDays = [...(series.emailedDays ?? []).filter((x) => x !== day), day].slice(-ATTEMPT_DAYS_KEPT);
  a.esc.timeline.add('contact-email', `Automatic follow-up email sent on ${day}; it is not a contact attempt: the day still needs a call or a personal email`, 'engine', { day });
}

/** contact-attempted (and the day's follow-up email). */
export function recordAttempt(a: AccountEscalation, day: string, by: string, channel: string): void {
  const series = a.d.contact;
  if (!series) return;
  if (!series.attemptedDays.includes(day)) {
    series.attemptedDays.push(day);
    if (series.attemptedDays.length > ATTEMPT_DAYS_KEPT) series.attemptedDays.shift();
  }
  a.esc.closeTask(`contact-${day}`);
  a.esc.timeline.add('contact-attempt', `Contact attempt on ${day} by ${channel}`, by, { day, channel });
}

/** Deadline `contact-day-end` (local midnight): the day counts, or the count starts over. */
export async function contactDayEnds(a: AccountEscalation): Promise<void> {
  const { d, esc } = a;
  const series = d.contact;
  if (!series || series.state !== 'running' || !series.currentDay) return;
  const day = series.currentDay;
  const tz = d.account.timeZone;
  series.currentDay = null;
  if (series.attemptedDays.includes(day)) {
    series.daysDone += 1;
    esc.closeTask(`contact-${day}`);
    if (series.daysDone >= CONTACT_DAYS) {
      await customerUnresponsive(a);
      return;
    }
  } else {
    esc.closeTask(`contact-${day}`, 'cancelled');
    series.missedDays.push(day);
    if (series.missedDays.length > ATTEMPT_DAYS_KEPT) series.missedDays.shift();
    const had = series.daysDone;
    series.daysDone = 0;
    const turn = a.reminderTurn(CONTACT_RESTARTS, `contact-missed-${series.number}`);
    if (turn.step !== 'remind') {
      await contactSeriesStopped(a, day, turn.step === 'final' ? turn.n : series.missedDays.length);
      return;
    }
    esc.timeline.add('contact-day-missed', `No contact attempt on ${day}: the ${CONTACT_DAYS} consecutive days start over (had ${had})`, 'engine', { day });
    await a.dm(
      `contact-missed-${series.number}-${day}`,
      [d.csm, d.teamLead],
      a.sopIssue17
      ? slack`:warning: ${d.account.name}: no contact attempt was recorded on ${day}${series.emailedDays?.includes(day) ? ' (the automatic email alone is not an attempt)' : ''}. The SOP needs ${CONTACT_DAYS} consecutive business days, so the count starts over on the next business day (${had} day(s) lost).`
      : slack`:warning: ${d.account.name}: no contact attempt was recorded on ${day}. The SOP needs ${CONTACT_DAYS} consecutive days, so the count starts over tomorrow (${had} day(s) lost).`,
    );
  }
  // The next contact day: today (the day-end deadline fires at local midnight) in the old rules; the
  // next business day of the account's calendar in the SOP's.
  const next = a.sopIssue17 ? nextBusinessDayAt(Date.now(), tz, CONTACT_TIME, a.accountHolidays()) : atLocalTime(Date.now(), tz, CONTACT_TIME);
  esc.deadlines.add('contact-day', Math.max(Date.now(), next), 0, `Contact attempt day ${series.daysDone + 1} of ${CONTACT_DAYS}`);
}

async function customerUnresponsive(a: AccountEscalation): Promise<void> {
  const { d, esc } = a;
  const series = d.contact!;
  series.state = 'unresponsive';
  series.endedAt = nowIso();
  d.unresponsive = true;
  esc.deadlines.clear('contact-day');
  esc.deadlines.clear('contact-day-end');
  esc.timeline.add('customer-unresponsive', `No response after contact attempts on ${CONTACT_DAYS} consecutive days: recorded as unresponsive; the resolution is decided next`, 'engine', {
    days: series.attemptedDays.slice(-CONTACT_DAYS),
  });
  a.setStatus('open');
  esc.openTask(`decide-resolution-${series.number}`, d.teamLead, `Decide the resolution for ${d.account.name}: propose an offer (resolution-proposed) or record the churn`);
  caseNote(a, 'contact', `No response after ${CONTACT_DAYS} consecutive days of contact attempts: customer recorded as unresponsive.`, 'engine');
  await a.dm(
    `unresponsive-${series.number}`,
    [d.csm, d.teamLead],
    slack`:no_entry: ${d.account.name}: no response after ${CONTACT_DAYS} consecutive days of contact attempts. The customer is recorded as unresponsive; decide the resolution (propose an offer, or record the churn).`,
  );
}

/** The missed day after the last restart: the series stops and the TL decides what comes next. */
async function contactSeriesStopped(a: AccountEscalation, day: string, missed: number): Promise<void> {
  const { d, esc } = a;
  const series = d.contact!;
  series.state = 'stopped';
  series.endedAt = nowIso();
  esc.deadlines.clear('contact-day');
  esc.deadlines.clear('contact-day-end');
  for (const t of esc.tasks) if (t.status === 'open' && t.id.startsWith('contact-')) esc.closeTask(t.id, 'cancelled');
  esc.timeline.add('contact-series-stopped', `No contact attempt on ${day} (${missed} missed days in this series): contact attempts stop; the TL decides what comes next`, 'engine', { day, missed });
  a.setStatus('open');
  esc.openTask(`decide-resolution-${series.number}`, d.teamLead, `Contact attempts for ${d.account.name} stopped after ${missed} missed days: start them again (customer-unresponsive), propose an offer, or record the churn`);
  caseNote(a, 'contact', `Contact attempts stopped after ${missed} days without an attempt; the TL decides what comes next.`, 'engine');
  await a.dm(
    `contact-stopped-${series.number}`,
    a.leads(),
    slack`:rotating_light: ${d.account.name}: no contact attempt was recorded on ${missed} business days of this series (the last ${day}), so the ${CONTACT_DAYS} consecutive days kept starting over. The engine has stopped the contact attempts: start them again with someone who can make them (customer-unresponsive), propose an offer, or record the churn.`,
  );
}

/** customer-responded while the series runs: it ends. */
export function endContactSeries(a: AccountEscalation, by: string, summary: string | undefined): void {
  const { d, esc } = a;
  const series = d.contact!;
  series.state = 'responded';
  series.endedAt = new Date(esc.eventInstant()).toISOString();
  esc.deadlines.clear('contact-day');
  esc.deadlines.clear('contact-day-end');
  if (series.currentDay) esc.closeTask(`contact-${series.currentDay}`);
  for (const t of esc.tasks) if (t.status === 'open' && t.id.startsWith('contact-')) esc.closeTask(t.id, 'cancelled');
  esc.timeline.add('contact-series-ended', `The customer responded after ${series.daysDone} completed contact day(s): contact attempts end`, by);
  a.setStatus('open');
  caseNote(a, 'contact', `Customer responded${summary ? `: ${summary}` : ''}. Contact attempts ended.`, by);
}
