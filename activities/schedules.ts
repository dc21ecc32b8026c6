// Team schedules the playbooks plan around, from configuration: read by the workflow when it needs
// them (not copied into the input), so a changed schedule applies to escalations already running.
import type { WeeklyTime } from '../workflows/kit/calendar.js';

/** The embedded default, also FINANCE_MEETING's default: Tuesdays 15:00 Berlin time. */
export const DEFAULT_FINANCE_MEETING: WeeklyTime = { weekday: 'TUE', hour: 15, minute: 0, timeZone: 'Europe/Berlin' };

export function scheduleActivities({ financeMeeting }: { financeMeeting?: WeeklyTime | undefined }) {
  return {
    /** The weekly finance meeting where the TL renegotiates rejected offers (FINANCE_MEETING). */
    async financeMeetingSchedule(): Promise<WeeklyTime> {
      return financeMeeting ?? DEFAULT_FINANCE_MEETING;
    },
  };
}
