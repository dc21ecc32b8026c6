// account-escalation: the SOP's numbers (seed 002), in one place. Durations in milliseconds; local
// times in the account's zone (contact days) or the team's (notes, finance follow-ups).
import type { TimeOfDay } from '../kit/calendar.js';
import { hours, minutes } from '../kit/time.js';

/** Explicit complaint: a meeting with the customer and the TL *scheduled* within 24 hours of the complaint. */
export const MEETING_DEADLINE = hours(24);
export const MEETING_REMINDER_BEFORE = hours(4);
/** Once scheduled, the CSM is asked this long after the meeting's time to record that it was held. */
export const MEETING_HELD_CHECK_AFTER = hours(1);
/** Unresponsive customer: contact attempts on this many consecutive local days. */
export const CONTACT_DAYS = 10;
/** Local time of each day's contact task (and email); a series starting later than CONTACT_LAST_START begins the next day. */
export const CONTACT_TIME: TimeOfDay = { hour: 9, minute: 0 };
export const CONTACT_LAST_START: TimeOfDay = { hour: 17, minute: 0 };
/** Local time on business days at which a missing escalation note is asked for. */
export const NOTES_REMINDER_TIME: TimeOfDay = { hour: 16, minute: 0 };
/** The TL is reminded of a renegotiation this long before the weekly finance meeting. */
export const FINANCE_MEETING_REMINDER_BEFORE = hours(24);
/** Accounting is reminded of an undecided offer at 10:00 (team zone) each business day, the first at least 12 hours after the proposal. */
export const FINANCE_FOLLOW_UP_TIME: TimeOfDay = { hour: 10, minute: 0 };
export const FINANCE_FOLLOW_UP_AFTER = hours(12);
/**
 * Repeating reminders, capped (issue 17 item 19; kit/reminders.ts): how many before the final step.
 * Accounting is reminded of an undecided offer on 5 business mornings (a working week), then the TL
 * and their manager are told once and asked to chase it; the CSM is reminded of a missing escalation
 * note on 5 business days in a row, then the TL is told once (the reminders resume after the next
 * note); a contact series starts over after at most 3 missed days, the 4th stops it and hands the
 * decision to the TL (and their manager).
 */
export const FINANCE_FOLLOW_UPS_MAX = 5;
export const NOTES_REMINDERS_MAX = 5;
export const CONTACT_RESTARTS_MAX = 3;
/** How long case notes wait after the CRM could not be reached. */
export const CASE_NOTES_RETRY = minutes(30);
/** A run continues as new at the next quiet moment once its history has this many events. */
export const MAX_RUN_EVENTS = 1000;
/** ... or this many bytes. */
export const MAX_RUN_BYTES = 4 * 1024 * 1024;

/** What the state keeps of lists that grow with time (older entries are counted, not kept). */
export const NOTES_KEPT = 60;
export const PROPOSALS_KEPT = 20;
export const ATTEMPT_DAYS_KEPT = 31;
/**
 * Every event that queues a case note is refused (429) while this many notes wait for the case number
 * or the CRM (case-notes.ts `refuseWhenNotesWait`): what the API accepted is never dropped.
 */
export const NOTES_WAITING_MAX = 60;
/**
 * The most case notes that can wait, which the refusal guarantees (nothing is dropped past it): an
 * accepted event finds fewer than NOTES_WAITING_MAX waiting and queues at most one; the engine's own
 * notes outstanding at once are at most four (the opening, the missed meeting, the running contact
 * series' end, the pending renegotiation's date).
 */
export const PENDING_CASE_NOTES_MAX = NOTES_WAITING_MAX + 1 + 4;
