// The directory: people, groups and channels the playbooks refer to by key. It is configuration
// (a YAML or JSON file), so rotas and contacts change without a deploy and never live in code.
import { readFile } from 'node:fs/promises';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { parse as parseYaml } from 'yaml';
import { isValidTimeZone, localDateKey } from '../workflows/kit/calendar.js';

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
      },
      { additionalProperties: false },
    ),
    channels: Type.Record(Key, ChannelSchema),
    people: Type.Record(Key, PersonSchema),
    groups: Type.Record(Key, GroupSchema, { default: {} }),
  },
  { additionalProperties: false },
);

export type Person = Static<typeof PersonSchema>;
export type Group = Static<typeof GroupSchema>;
export type Channel = Static<typeof ChannelSchema>;
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
