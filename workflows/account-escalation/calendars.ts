// Business calendars (SOP: contact days, daily notes and finance follow-ups count business days): the
// account's (its time zone and its country's public holidays, `account.calendar`; without one the
// CSM's team calendar as for the team: contact days) and the team's (the
// CSM's calendar in the directory, or `teamCalendar`: notes, finance follow-ups), looked up when the
// escalation opens and again before a look-up's year runs out. Deadlines armed before the holidays
// were known are armed again with them.
import { lookUpCalendar, needsRefresh } from '../kit/holidays.js';
import { CONTACT_TIME } from './sop.js';
import { atLocalTime, isBusinessDay, nextBusinessDayAt } from '../kit/calendar.js';
import type { AccountEscalation } from './escalation.js';
import { armNotesReminder } from './notes.js';

export async function loadCalendars(a: AccountEscalation): Promise<void> {
  const { d, esc, input } = a;
  // An account without its own calendar falls back the way a team does: the CSM's team calendar in
  // the directory (theirs, else the organisation's), so its contact days still skip public holidays.
  const own = input.account.calendar !== undefined;
  const account = await lookUpCalendar(
    esc,
    own ? { calendar: input.account.calendar } : { person: d.csm },
    d.account.timeZone,
    own ? "The account's business days" : "The account's business days (no account calendar: the CSM's team calendar)",
  );
  const team = await lookUpCalendar(esc, input.teamCalendar ? { calendar: input.teamCalendar } : { person: d.csm }, d.teamTimeZone, "The team's business days");
  d.calendars = { account, team };
  rearm(a);
}

/** Looks further ahead when a calendar's look-up is about to run out (called from the daily notes check). */
export async function refreshCalendars(a: AccountEscalation): Promise<void> {
  const cals = a.d.calendars;
  if (!cals || (!needsRefresh(cals.account) && !needsRefresh(cals.team))) return;
  await loadCalendars(a);
}

/** The business-day deadlines, now with the holidays. */
function rearm(a: AccountEscalation): void {
  const { d, esc } = a;
  if (esc.outcome !== null) return;
  if (esc.deadlines.list().some((x) => x.name === 'notes-reminder')) armNotesReminder(a);
  const contact = esc.deadlines.list().find((x) => x.name === 'contact-day');
  if (d.contact?.state === 'running' && contact && d.contact.currentDay === null) {
    const at = Date.parse(contact.at);
    const tz = d.account.timeZone;
    if (!isBusinessDay(at, tz, a.accountHolidays())) {
      const next = nextBusinessDayAt(atLocalTime(at, tz, CONTACT_TIME), tz, CONTACT_TIME, a.accountHolidays());
      esc.deadlines.add('contact-day', next, 0, contact.description);
    }
  }
}
