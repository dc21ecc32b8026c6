// Directory look-ups the workflows need at run time (configuration changes without a deploy, so a
// person marked away today is skipped by ladders already running).
import { DirectoryError, type Availability, type Directory, type Team } from '../src/directory.js';
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

export interface LookupPeopleInput {
  /** Directory person keys. */
  people: string[];
}

/** What a workflow may know about a directory person: how to name and phone them, and their groups. */
export interface PersonFacts {
  person: string;
  name: string;
  phone?: string;
  /** The directory groups they are a member of (e.g. a group of people trained for a task). */
  groups: string[];
}

export interface FindTeamInput {
  /** The person whose team is wanted (e.g. a client's usual contact). */
  person: string;
  /** A team key that overrides the person's own (e.g. named at intake). */
  team?: string | undefined;
}

export function directoryActivities({ directory }: { directory: Directory }) {
  const lookup = <T>(what: string, fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof DirectoryError) throw permanent(`${what}: ${err.message}`);
      throw err;
    }
  };
  return {
    /** Name, phone and groups of each person (e.g. the callees of a call task); an unknown person is a permanent failure. */
    async lookupPeople({ people }: LookupPeopleInput): Promise<PersonFacts[]> {
      return lookup('people', () =>
        people.map((key) => {
          const p = directory.person(key);
          return { person: key, name: p.name, ...(p.phone && { phone: p.phone }), groups: directory.groupsOf(key) };
        }),
      );
    },

    /** The language a channel's team reads (its `locale`, else the organisation's); an unknown channel is a permanent failure. */
    async channelLocale({ channel }: { channel: string }): Promise<'en' | 'de'> {
      return lookup('channel locale', () => directory.channelLocale(channel));
    },

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
     * The person's team (a directory group with a channel, its members and managers in order): the
     * `team` given, else the one team that lists the person. No such team, or several without one
     * named, is a permanent failure naming what to fix in the directory.
     */
    async findTeam({ person, team }: FindTeamInput): Promise<Team> {
      if (!directory.hasPerson(person)) throw permanent(`team: unknown person '${person}' in the directory`);
      const key = team ?? onlyTeam(directory, person);
      const found = directory.team(key);
      if (!found) throw permanent(`team: '${key}' is not a team in the directory (a group with a channel)`);
      return found;
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

function onlyTeam(directory: Directory, person: string): string {
  const teams = directory.teamsOf(person);
  if (teams.length === 1) return teams[0]!;
  throw permanent(
    teams.length === 0
      ? `team: no team (a group with a channel) lists '${person}' as a member`
      : `team: '${person}' is in several teams (${teams.join(', ')}); name one`,
  );
}
