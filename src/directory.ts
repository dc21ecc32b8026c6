// The directory: people, groups and channels the playbooks refer to by key. It is configuration
// (a YAML or JSON file), so rotas and contacts change without a deploy and never live in code.
import { readFile } from 'node:fs/promises';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { parse as parseYaml } from 'yaml';
import { isValidTimeZone, localDateKey } from '../workflows/kit/calendar.js';
import { holidayRegionProblem } from './holidays.js';

const Key = Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' });

export const PersonSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    role: Type.Optional(Type.String()),
    email: Type.String({ format: 'email' }),
    slackUserId: Type.Optional(Type.String({ pattern: '^[UW][A-Z0-9]+$' })),
    phone: Type.Optional(Type.String({ minLength: 3 })),
    /** Marked away (vacation, out of office) until the flag is removed: acknowledgement ladders skip them. */
    away: Type.Optional(Type.Boolean()),
    /** Planned absences, first and last day inclusive (dates in the person's time zone): ladders skip them on those days. */
    vacations: Type.Optional(
      Type.Array(
        Type.Object(
          { from: Type.String({ format: 'date' }), to: Type.String({ format: 'date' }), note: Type.Optional(Type.String({ maxLength: 200 })) },
          { additionalProperties: false },
        ),
      ),
    ),
    /** IANA time zone; vacation days count in it (UTC without one). */
    timeZone: Type.Optional(Type.String()),
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
    region: Type.Optional(Type.String({ minLength: 1, maxLength: 10 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const GroupSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    slackUserGroupId: Type.Optional(Type.String({ pattern: '^S[A-Z0-9]+$' })),
    members: Type.Array(Key, { default: [] }),
  },
  { additionalProperties: false },
);

export const ChannelSchema = Type.Object(
  {
    /** Slack channel name without '#'. */
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,79}$' }),
    /** Slack channel id, when known; preferred over the name. */
    id: Type.Optional(Type.String({ pattern: '^[CGD][A-Z0-9]+$' })),
  },
  { additionalProperties: false },
);

export const DirectorySchema = Type.Object(
  {
    organisation: Type.Object(
      {
        name: Type.String({ minLength: 1 }),
        deskName: Type.String({ minLength: 1 }),
        /** Signature on client emails. */
        senderName: Type.String({ minLength: 1 }),
        emailFrom: Type.Object({ email: Type.String({ format: 'email' }), name: Type.String({ minLength: 1 }) }),
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
    if (p.away) return { person: key, available: false, reason: `${p.name} is marked away in the directory` };
    const day = localDateKey(atMs, p.timeZone ?? 'UTC');
    const vacation = p.vacations?.find((v) => v.from <= day && day <= v.to);
    if (vacation) {
      return { person: key, available: false, reason: `${p.name} is on vacation until ${vacation.to}${vacation.note ? ` (${vacation.note})` : ''}`, until: vacation.to };
    }
    return { person: key, available: true };
  }

  get organisation() {
    return this.data.organisation;
  }
}

/** Validates directory data, naming the offending path in the error. */
export function parseDirectory(data: unknown, source = 'directory'): Directory {
  const withDefaults = Value.Default(DirectorySchema, Value.Clone(data));
  const errors = Value.Errors(DirectorySchema, withDefaults);
  if (errors.length > 0) {
    const lines = errors.slice(0, 10).map((e) => `  ${e.instancePath || '/'}: ${e.message}`);
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
    for (const member of group.members) {
      if (!directory.hasPerson(member)) {
        throw new DirectoryError(`invalid directory file ${source}:\n  /groups/${key}/members: unknown person '${member}'`);
      }
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
