// Directory look-ups the workflows need at run time (configuration changes without a deploy, so a
// person marked away today is skipped by ladders already running).
import { DirectoryError, type Availability, type Directory } from '../src/directory.js';
import { publicHolidayDates, regionLabel } from '../src/holidays.js';
import { permanent } from './failures.js';

export interface PublicHolidaysInput {
  /** Directory calendar key; or, without one, the calendar of `person`'s team (theirs, else the organisation's). */
  calendar?: string | undefined;
  person?: string | undefined;
  /** First and last local date, inclusive (`YYYY-MM-DD`). */
  from: string;
  to: string;
}

export interface PublicHolidays {
  /** The calendar used; null when none applies (weekends only). */
  calendar: string | null;
  /** `US-IL` */
  region: string | null;
  holidays: { date: string; name: string }[];
}

export interface CheckAvailabilityInput {
  /** Directory person keys. */
  people: string[];
  /** The instant to judge (ISO, the workflow's time), so a retry judges the same moment. */
  at: string;
}

export function directoryActivities({ directory }: { directory: Directory }) {
  return {
    /**
     * The public holidays of a directory calendar between two dates (date-holidays' rules). The
     * workflow records the answer, so an escalation keeps the holidays it was given when the
     * library's data changes. An unknown calendar is a permanent failure.
     */
    async publicHolidays({ calendar: key, person, from, to }: PublicHolidaysInput): Promise<PublicHolidays> {
      let calendar = key;
      if (calendar === undefined && person !== undefined) {
        if (!directory.hasPerson(person)) throw permanent(`public holidays: unknown person '${person}' in the directory`);
        calendar = directory.calendarOf(person);
      }
      if (calendar === undefined) return { calendar: null, region: null, holidays: [] };
      if (!directory.hasCalendar(calendar)) throw permanent(`public holidays: unknown calendar '${calendar}' in the directory`);
      const region = directory.calendar(calendar);
      return { calendar, region: regionLabel(region), holidays: publicHolidayDates(region, from, to) };
    },

    /** Each person's availability (away flag, vacation ranges); an unknown person is a permanent failure. */
    async checkAvailability({ people, at }: CheckAvailabilityInput): Promise<Availability[]> {
      const atMs = Date.parse(at);
      try {
        return people.map((person) => directory.availability(person, atMs));
      } catch (err) {
        if (err instanceof DirectoryError) throw permanent(`availability: ${err.message}`);
        throw err;
      }
    },

    /**
     * The playbook's section of the directory file (`playbooks.<name>`, checked and defaulted at
     * start-up), or null when the file has none. Read at run time, so a changed file (after a restart)
     * reaches escalations already running, e.g. an event whose end moved.
     */
    async playbookSettings({ playbook }: { playbook: string }): Promise<unknown> {
      return directory.settings(playbook) ?? null;
    },
  };
}
