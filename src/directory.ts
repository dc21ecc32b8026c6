// The directory: people, groups and channels the playbooks refer to by key. It is configuration
// (a YAML or JSON file), so rotas and contacts change without a deploy and never live in code.
import { readFile } from 'node:fs/promises';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { schemaErrors } from './http/schema-errors.js';
import { EmailAddress, Line } from '../workflows/kit/schemas/index.js';
import { parse as parseYaml } from 'yaml';
import { isValidTimeZone, localDateKey, startOfNextLocalDay, zonedTimeToUtc } from '../workflows/kit/calendar.js';
import { holidayRegionProblem } from './holidays.js';

const Key = Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' });

export const PersonSchema = Type.Object(
  {
    name: Line({ minLength: 1 }),
    role: Type.Optional(Line()),
    email: EmailAddress(),
    slackUserId: Type.Optional(Type.String({ pattern: '^[UW][A-Z0-9]+$' })),
    phone: Type.Optional(Line({ minLength: 3 })),
    /** Marked away (vacation, out of office) until the flag is removed: acknowledgement ladders skip them. */
    away: Type.Optional(Type.Boolean()),
    /** Planned absences, first and last day inclusive (dates in the person's time zone): ladders skip them on those days. */
    vacations: Type.Optional(
      Type.Array(
        Type.Object(
          { from: Type.String({ format: 'date' }), to: Type.String({ format: 'date' }), note: Type.Optional(Line({ maxLength: 200 })) },
          { additionalProperties: false },
        ),
      ),
    ),
    /** IANA time zone; vacation days count in it (UTC without one). */
    timeZone: Type.Optional(Line()),
    /** The business calendar (a `calendars` key) of the team they work in: public holidays of their business days. */
    calendar: Type.Optional(Key),
  },
  { additionalProperties: false },
);

/**
 * A business calendar: Monday to Friday less the public holidays of a country and, optionally, its
 * state/province and region, as the `date-holidays` library knows them (ISO 3166 codes, e.g.
 * `{ country: US, state: IL }`, `{ country: DE, state: BE }`).
 */
export const CalendarSchema = Type.Object(
  {
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
    state: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{1,3}$' })),
    region: Type.Optional(Line({ minLength: 1, maxLength: 10 })),
    name: Type.Optional(Line({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const GroupSchema = Type.Object(
  {
    name: Line({ minLength: 1 }),
    slackUserGroupId: Type.Optional(Type.String({ pattern: '^S[A-Z0-9]+$' })),
    members: Type.Array(Key, { default: [] }),
    /**
     * A group with a channel is a team: its channel (a channel key) is where work for its members'
     * clients is posted (e.g. a client's call while their usual contact is away).
     */
    channel: Type.Optional(Key),
    /** The team's managers (person keys), in the order an escalation asks them. */
    managers: Type.Optional(Type.Array(Key)),
  },
  { additionalProperties: false },
);

export const ChannelSchema = Type.Object(
  {
    /** Slack channel name without '#'. */
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,79}$' }),
    /** Slack channel id, when known; preferred over the name. */
    id: Type.Optional(Type.String({ pattern: '^[CGD][A-Z0-9]+$' })),
    /** The language the channel's team reads (playbooks that post there in its language); the organisation's locale without one. */
    locale: Type.Optional(Type.Union([Type.Literal('en'), Type.Literal('de')])),
  },
  { additionalProperties: false },
);

export const DirectorySchema = Type.Object(
  {
    organisation: Type.Object(
      {
        name: Line({ minLength: 1 }),
        deskName: Line({ minLength: 1 }),
        /** Signature on client emails. */
        senderName: Line({ minLength: 1 }),
        emailFrom: Type.Object({ email: EmailAddress(), name: Line({ minLength: 1 }) }),
        locale: Type.Union([Type.Literal('en'), Type.Literal('de')], { default: 'en' }),
        /** The business calendar (a `calendars` key) of teams whose people name none. */
        calendar: Type.Optional(Key),
      },
      { additionalProperties: false },
    ),
    channels: Type.Record(Key, ChannelSchema),
    people: Type.Record(Key, PersonSchema),
    groups: Type.Record(Key, GroupSchema, { default: {} }),
    /** Business calendars by key: the public holidays every business-day rule skips. */
    calendars: Type.Record(Key, CalendarSchema, { default: {} }),
    /**
     * Each playbook's own configuration, by playbook name (e.g. `gameday-issue: { events: ... }`): its
     * definition's `settings` schema checks it at start-up (src/playbooks.ts `checkPlaybookSettings`).
     */
    playbooks: Type.Record(Key, Type.Unknown(), { default: {} }),
  },
  { additionalProperties: false },
);

export type Person = Static<typeof PersonSchema>;
export type Group = Static<typeof GroupSchema>;
export type Channel = Static<typeof ChannelSchema>;
export type BusinessCalendar = Static<typeof CalendarSchema>;
export type DirectoryData = Static<typeof DirectorySchema>;

/** Whether a person can be notified now, and if not why (for the escalation's timeline). */
export interface Availability {
  person: string;
  available: boolean;
  /** Why not, e.g. "Casey Oncall is on vacation until 2026-12-04". */
  reason?: string;
  /** The last day of the vacation that makes them unavailable (YYYY-MM-DD). */
  until?: string;
  /**
   * When they are back (ISO instant): the start of the day after `until` in their time zone, or
   * later when the next vacation follows straight on. Unset when available, or when marked away
   * without a date (they are back when the flag is removed).
   */
  returnsAt?: string;
  /** With `returnsAt`: their IANA time zone (UTC without one in the directory). */
  timeZone?: string;
}

/** A team: a directory group with a channel. */
export interface Team {
  key: string;
  name: string;
  /** Channel key in the directory. */
  channel: string;
  members: string[];
  /** Person keys, in the order an escalation asks them. */
  managers: string[];
  /** Whether the group can be mentioned in Slack (it has a Slack user group id). */
  mentionable: boolean;
}

export class DirectoryError extends Error {
  override name = 'DirectoryError';
}

export class Directory {
  constructor(readonly data: DirectoryData) {}

  person(key: string): Person {
    const p = this.data.people[key];
    if (!p) throw new DirectoryError(`unknown person '${key}' in the directory`);
    return p;
  }

  channel(key: string): Channel {
    const c = this.data.channels[key];
    if (!c) throw new DirectoryError(`unknown channel '${key}' in the directory`);
    return c;
  }

  group(key: string): Group {
    const g = this.data.groups[key];
    if (!g) throw new DirectoryError(`unknown group '${key}' in the directory`);
    return g;
  }

  hasPerson(key: string): boolean {
    return Object.hasOwn(this.data.people, key);
  }

  hasGroup(key: string): boolean {
    return Object.hasOwn(this.data.groups, key);
  }

  /** The team `key` (a group with a channel), or undefined when there is no such group or it has no channel. */
  team(key: string): Team | undefined {
    const g = Object.hasOwn(this.data.groups, key) ? this.data.groups[key] : undefined;
    if (!g?.channel) return undefined;
    return { key, name: g.name, channel: g.channel, members: [...g.members], managers: [...(g.managers ?? [])], mentionable: Boolean(g.slackUserGroupId) };
  }

  /** The keys of every team (a group with a channel), in file order. */
  teamKeys(): string[] {
    return Object.entries(this.data.groups)
      .filter(([, g]) => g.channel !== undefined)
      .map(([key]) => key);
  }

  /** The keys of the teams (groups with a channel) that list the person as a member, in file order. */
  teamsOf(person: string): string[] {
    return Object.entries(this.data.groups)
      .filter(([, g]) => g.channel !== undefined && g.members.includes(person))
      .map(([key]) => key);
  }

  hasCalendar(key: string): boolean {
    return Object.hasOwn(this.data.calendars, key);
  }

  calendar(key: string): BusinessCalendar {
    const c = this.data.calendars[key];
    if (!c) throw new DirectoryError(`unknown calendar '${key}' in the directory`);
    return c;
  }

  /** The team calendar of a person: theirs, else the organisation's, else none (weekends only). */
  calendarOf(personKey: string): string | undefined {
    return this.person(personKey).calendar ?? this.data.organisation.calendar;
  }

  hasChannel(key: string): boolean {
    return Object.hasOwn(this.data.channels, key);
  }

  /** The directory groups `key` is a member of (their keys). */
  groupsOf(key: string): string[] {
    this.person(key);
    return Object.entries(this.data.groups)
      .filter(([, group]) => group.members.includes(key))
      .map(([groupKey]) => groupKey);
  }

  /** The language of a channel's team: its own locale, else the organisation's. */
  channelLocale(key: string): 'en' | 'de' {
    return this.channel(key).locale ?? this.data.organisation.locale;
  }

  slackUserIdOf(key: string): string | undefined {
    return this.hasPerson(key) ? this.data.people[key]!.slackUserId : undefined;
  }

  slackUserGroupIdOf(key: string): string | undefined {
    return this.hasGroup(key) ? this.data.groups[key]!.slackUserGroupId : undefined;
  }

  /** The playbook's section of the file (`playbooks.<name>`), as checked and defaulted at start-up; undefined without one. */
  settings(playbook: string): unknown {
    return Object.hasOwn(this.data.playbooks, playbook) ? this.data.playbooks[playbook] : undefined;
  }

  /** Away flag, or a vacation covering the person's local date at instant `atMs`; throws DirectoryError for an unknown person. */
  availability(key: string, atMs: number): Availability {
    const p = this.person(key);
    const timeZone = p.timeZone ?? 'UTC';
    if (p.away) return { person: key, available: false, reason: `${p.name} is marked away in the directory` };
    const day = localDateKey(atMs, timeZone);
    const vacation = p.vacations?.find((v) => v.from <= day && day <= v.to);
    if (vacation) {
      // Back the day after the last vacation day, unless another vacation starts that day.
      let until = vacation.to;
      for (let next = nextDay(until, timeZone); ; next = nextDay(until, timeZone)) {
        const following = p.vacations?.find((v) => v.from <= next && next <= v.to && v.to > until);
        if (!following) break;
        until = following.to;
      }
      return {
        person: key,
        available: false,
        reason: `${p.name} is on vacation until ${vacation.to}${vacation.note ? ` (${vacation.note})` : ''}`,
        until: vacation.to,
        returnsAt: new Date(startOfNextLocalDay(localMidday(until, timeZone), timeZone)).toISOString(),
        timeZone,
      };
    }
    return { person: key, available: true };
  }

  get organisation() {
    return this.data.organisation;
  }
}

/** Noon of a local date (YYYY-MM-DD): an instant safely inside that day whatever the DST shift. */
function localMidday(date: string, timeZone: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return zonedTimeToUtc({ year, month, day }, { hour: 12, minute: 0 }, timeZone);
}

/** The local date after `date`. */
function nextDay(date: string, timeZone: string): string {
  return localDateKey(startOfNextLocalDay(localMidday(date, timeZone), timeZone), timeZone);
}

/** Validates directory data, naming the offending path in the error. */
export function parseDirectory(data: unknown, source = 'directory'): Directory {
  const withDefaults = Value.Default(DirectorySchema, Value.Clone(data));
  const errors = schemaErrors(DirectorySchema, withDefaults);
  if (errors.length > 0) {
    const lines = errors.slice(0, 10).map((e) => `  ${e.field}: ${e.message}`);
    throw new DirectoryError(`invalid directory file ${source}:\n${lines.join('\n')}`);
  }
  const directory = new Directory(withDefaults as DirectoryData);
  for (const [key, person] of Object.entries(directory.data.people)) {
    if (person.timeZone !== undefined && !isValidTimeZone(person.timeZone)) {
      throw new DirectoryError(`invalid directory file ${source}:\n  /people/${key}/timeZone: unknown IANA time zone '${person.timeZone}'`);
    }
    for (const [i, v] of (person.vacations ?? []).entries()) {
      if (v.from > v.to) throw new DirectoryError(`invalid directory file ${source}:\n  /people/${key}/vacations/${i}: 'from' (${v.from}) is after 'to' (${v.to})`);
    }
  }
  const fail = (line: string) => {
    throw new DirectoryError(`invalid directory file ${source}:\n  ${line}`);
  };
  for (const [key, cal] of Object.entries(directory.data.calendars)) {
    const problem = holidayRegionProblem(cal);
    if (problem) fail(`/calendars/${key}: ${problem}`);
  }
  for (const [key, person] of Object.entries(directory.data.people)) {
    if (person.calendar !== undefined && !directory.hasCalendar(person.calendar)) fail(`/people/${key}/calendar: unknown calendar '${person.calendar}'`);
  }
  const orgCalendar = directory.data.organisation.calendar;
  if (orgCalendar !== undefined && !directory.hasCalendar(orgCalendar)) fail(`/organisation/calendar: unknown calendar '${orgCalendar}'`);
  for (const [key, group] of Object.entries(directory.data.groups)) {
    for (const [field, people] of [['members', group.members], ['managers', group.managers ?? []]] as const) {
      for (const person of people) {
        if (!directory.hasPerson(person)) {
          throw new DirectoryError(`invalid directory file ${source}:\n  /groups/${key}/${field}: unknown person '${person}'`);
        }
      }
    }
    if (group.channel !== undefined && !Object.hasOwn(directory.data.channels, group.channel)) {
      throw new DirectoryError(`invalid directory file ${source}:\n  /groups/${key}/channel: unknown channel '${group.channel}'`);
    }
    if (group.managers && group.channel === undefined) {
      throw new DirectoryError(`invalid directory file ${source}:\n  /groups/${key}/managers: only a team (a group with a channel) has managers`);
    }
  }
  return directory;
}

export async function loadDirectory(path: string): Promise<Directory> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new DirectoryError(`DIRECTORY_FILE: cannot read ${path}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new DirectoryError(`DIRECTORY_FILE: ${path} is not valid YAML/JSON: ${(err as Error).message}`);
  }
  return parseDirectory(data, path);
}
