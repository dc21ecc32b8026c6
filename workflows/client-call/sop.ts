// client-call: the SOP's numbers (seed 003), in one place. Durations in milliseconds. The intake may
// override the two that depend on the client's situation (takeWithinMinutes, updateEveryMinutes).
import type { TimeOfDay } from '../kit/calendar.js';
import { hours, minutes } from '../kit/time.js';
import type { Severity } from './codes.js';

const DAY = hours(24);

/** Someone takes the call within this long after it came in, else the team's managers are asked ("If they are unavailable, escalate further up to managers"). */
export const TAKE_WITHIN: Record<Severity, number> = { critical: minutes(15), high: hours(2), normal: hours(2), low: hours(2) };
/** The client hears from us at least this often while the issue is open ("Keep the communication channels between the client and the team open"). */
export const UPDATE_EVERY: Record<Severity, number> = { critical: hours(1), high: hours(2), normal: hours(4), low: hours(8) };
/** Reminders to the assignee in a row without a client update, before the managers are told and the reminders stop. */
export const UPDATE_REMINDERS_MAX = 5;

/** Phone updates: how often the assignee is asked again to call the client, and how many times before the update goes by email (when there is an address). */
export const CLIENT_CALL_RETRY = minutes(30);
export const CLIENT_CALL_ATTEMPTS = 3;
/** The follow-up call after the resolution ("Are they satisfied with our solution?"). */
export const FOLLOW_UP_CALL_RETRY = hours(4);
export const FOLLOW_UP_CALL_ATTEMPTS = 3;

/** After the resolution: the root-cause review and the documentation are due this long after it. */
export const REVIEW_WITHIN = 5 * DAY;
export const DOCUMENTATION_WITHIN = 5 * DAY;
/** Overdue review or documentation: reminded every this long, at most this many times. */
export const TASK_REMINDER_EVERY = 2 * DAY;
export const TASK_REMINDERS_MAX = 3;

/** The handover DM goes out at this local time on the day the usual contact is back from a vacation. */
export const HANDOVER_TIME: TimeOfDay = { hour: 9, minute: 0 };
/** Usual contact marked away without a date: availability checked again this often, for at most this long (then the managers get the handover). */
export const AWAY_RECHECK_EVERY = hours(4);
export const AWAY_RECHECK_FOR = 14 * DAY;

/** Earlier escalations of the same client listed in the team post and the state (the total counts them all). */
export const EARLIER_LISTED = 5;
/** Timeline entries in the handover DM (the latest; the state keeps them all). */
export const HANDOVER_TIMELINE_MAX = 60;
