// Business calendars in the workflow: the public holidays of a directory calendar (by country, state,
// region), looked up by the `publicHolidays` activity and kept in the escalation's state, so every
// business-day rule (calendar.ts `nextBusinessDayAt`, `isBusinessDay`) skips them. Why an activity
// and not the library in the sandbox: holiday data changes with library updates (a country adds a
// holiday), and a workflow that computed it would decide differently when replayed after an update;
// recorded in the history it replays as it ran. It also keeps date-holidays' 3 MB of rules out of the
// workflow bundle. One look-up covers a year ahead; `ensureHorizon` looks further when it runs out.
import { lookups } from './activities.js';
import { localDateKey, type BusinessCalendarInfo } from './calendar.js';

export type { BusinessCalendarInfo };
import { failureReason } from './failures.js';
import type { AnyEscalation } from './escalation.js';

/** Days a look-up covers, and how close to its end a new one is made. */
export const HOLIDAY_HORIZON_DAYS = 400;
export const HOLIDAY_REFRESH_DAYS = 45;

const DAY = 86_400_000;

/**
 * The calendar's holidays from today (in `timeZone`) for HOLIDAY_HORIZON_DAYS. `source` names the
 * directory calendar, or the person whose team's calendar applies. When the look-up fails for good the
 * calendar is weekends only and the timeline says so.
 */
export async function lookUpCalendar(
  esc: AnyEscalation,
  source: { calendar?: string | undefined; person?: string | undefined },
  timeZone: string,
  what: string,
): Promise<BusinessCalendarInfo> {
  const now = Date.now();
  const from = localDateKey(now, timeZone);
  const to = localDateKey(now + HOLIDAY_HORIZON_DAYS * DAY, timeZone);
  try {
    const found = await lookups.publicHolidays({ ...source, from, to });
    if (found.calendar) {
      esc.timeline.add('calendar', `${what}: public holidays of ${found.region} (calendar '${found.calendar}'), ${found.holidays.length} from ${from} to ${to}`, 'engine', {
        calendar: found.calendar,
        holidays: found.holidays.map((h) => `${h.date} ${h.name}`),
      });
    }
    return { timeZone, calendar: found.calendar, region: found.region, holidays: found.holidays.map((h) => h.date), from, to };
  } catch (err) {
    esc.timeline.add('step-failed', `${what}: public holidays not available (${failureReason(err)}); business days are Monday to Friday`, 'engine');
    return { timeZone, calendar: null, region: null, holidays: [], from, to };
  }
}

/** True when the calendar's look-up ends within HOLIDAY_REFRESH_DAYS of now (time for the next one). */
export function needsRefresh(cal: BusinessCalendarInfo): boolean {
  return cal.calendar !== null && localDateKey(Date.now() + HOLIDAY_REFRESH_DAYS * DAY, cal.timeZone) > cal.to;
}
