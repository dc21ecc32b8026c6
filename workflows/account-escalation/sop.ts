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
export const PENDING_CASE_NOTES_MAX = 100;
/** A `note` event is refused (429) while this many case notes wait: the engine's own notes keep room below PENDING_CASE_NOTES_MAX, so no accepted note is dropped. */
export const NOTES_WAITING_MAX = 60;
