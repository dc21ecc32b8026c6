// tech-incident: the SOP's numbers (seed 004) in one place. Durations in milliseconds. The numbers a
// deployment may change (the threshold, the delay reminder, the quiet period) are its settings
// (definition.ts) and travel in the opening's policy; these are the SOP's own.
import { minutes } from '../kit/time.js';

/** Seed step 4: "Sofern niemand innerhalb von 15min reagiert, rufe … an". Counted from the report that made it critical. */
export const ACK_TIMEOUT = minutes(15);
/** Seed step 4: the lead is phoned twice ("nach 2x Anrufen nicht reagiert") before the backup. */
export const LEAD_CALL_ATTEMPTS = 2;
/** The backup is asked for at most this many times: the ladder ends rather than asking for ever. */
export const BACKUP_CALL_ATTEMPTS = 4;
/** How long the reporting agent has to report a call's outcome before being asked again. */
export const CALL_INTERVAL = minutes(5);
/** Delay reminders to the reporting agents: at most this many (every `delayReminderMinutes`). */
export const DELAY_REMINDERS_MAX = 3;
/** Sample customer addresses in the siren post (seed: at least 3). */
export const SAMPLE_ADDRESSES = 5;
/** A common thread needs at least this many reports that say (e.g. their platform). */
export const THREAD_MIN_KNOWN = 3;

/** Defaults of the deployment settings. */
export const DEFAULT_CRITICAL_ABOVE = 5;
export const DEFAULT_DELAY_REMINDER_MINUTES = 240;
export const DEFAULT_QUIET_DAYS = 7;
export const DEFAULT_TIME_ZONE = 'Europe/Berlin';
