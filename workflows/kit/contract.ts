// What every playbook contract is made of: TypeBox schema pieces (directory references, contacts,
// locales, events) and the input checks beyond a schema (directory look-ups, time zones). Pure: the
// API imports contracts as values; workflow code imports them as types only (TypeBox stays out of the
// workflow bundle).
import { Type, type Static, type TObject, type TObjectOptions, type TProperties } from 'typebox';
import { isValidTimeZone } from './calendar.js';
import { EmailAddress, Line, Text } from './schemas/index.js';

// Instants read as the workflow reads them, inside a plausible window; links people may click.
export { CalendarDate, EmailAddress, Instant, Line, Link, Text } from './schemas/index.js';

/** A person key in the directory; `x-directory: person` lets forms offer a person picker (the Slack modal's user select). */
export const DirectoryRef = (description: string) =>
  Line({ pattern: '^[a-z0-9][a-z0-9-]*$', description: `${description} (a person key in the directory)`, 'x-directory': 'person' });

export const Contact = Type.Object(
  {
    name: Line({ minLength: 1, maxLength: 200 }),
    email: EmailAddress(),
    phone: Type.Optional(Line({ minLength: 3, maxLength: 40 })),
  },
  { additionalProperties: false },
);

export const Locale = Type.Union([Type.Literal('en'), Type.Literal('de')], { description: 'Language of client-facing messages' });
export type Locale = Static<typeof Locale>;

/** Fields every event has. */
const EventBase = {
  actor: Type.Optional(Line({ minLength: 1, maxLength: 200, description: 'Who reports the event' })),
  note: Type.Optional(Text({ maxLength: 2000 })),
};

/**
 * What a playbook declares about one of its events besides its fields, for the API to read (kept on
 * the event's schema as `x-escalation-event`). The place for rules such as which directory roles may
 * send the event.
 */
export type EventMeta = Record<string, unknown>;

export const EVENT_META_KEY = 'x-escalation-event';

/**
 * An event's schema: `{ type: <type>, actor?, note?, ...fields }`, nothing else. `options` are the
 * object's schema options (e.g. `minProperties`), `meta` what the API knows about the event.
 */
export function defineEvent<T extends string, P extends TProperties = {}>(
  type: T,
  description: string,
  fields?: P,
  options: Omit<TObjectOptions, 'description' | 'additionalProperties'> & { meta?: EventMeta } = {},
) {
  const { meta, ...schemaOptions } = options;
  return Type.Object(
    { type: Type.Literal(type), ...EventBase, ...(fields as P) },
    { ...schemaOptions, additionalProperties: false, description, ...(meta && { [EVENT_META_KEY]: meta }) },
  );
}

/** The event union of a contract's `{ type: schema }` map. */
export type EventsOf<M extends Record<string, TObject>> = { [K in keyof M]: Static<M[K]> }[keyof M];

/** A problem with one input field: `field` is a JSON pointer relative to `/input`. */
export interface FieldError {
  field: string;
  message: string;
  /**
   * The business rule the input breaks (e.g. `excluded-category`): the API answers 422 naming it
   * instead of a 400 for malformed input.
   */
  rule?: string;
}

/** What an input check may ask the directory (src/directory.ts implements it). */
export interface DirectoryLookup {
  hasPerson(key: string): boolean;
  hasGroup(key: string): boolean;
  /** The team `key` (a group with a channel), or undefined. */
  team(key: string): { channel: string; managers: string[] } | undefined;
  /** The teams (groups with a channel) that list the person as a member. */
  teamsOf(person: string): string[];
  /** A business calendar (public holidays) of that key exists. */
  hasCalendar(key: string): boolean;
  /** The person's Slack user id, or undefined (unknown person, or none configured). */
  slackUserIdOf(key: string): string | undefined;
  /** The group's Slack user-group id, or undefined (unknown group, or none configured). */
  slackUserGroupIdOf(key: string): string | undefined;
  hasChannel(key: string): boolean;
  /** The playbook's own section of the directory file (`playbooks.<name>`), checked against its `settings` schema at start-up. */
  settings(playbook: string): unknown;
}

/**
 * Each `{ '/field': personKey }` that the directory does not know, or (the playbook tags these
 * people in Slack) that has no `slackUserId`: a mention of a person without one would be plain text
 * and ping nobody (issue 17 item 17).
 */
export function checkPeople(directory: DirectoryLookup, refs: Record<string, string>): FieldError[] {
  return Object.entries(refs).flatMap(([field, key]) => {
    if (!directory.hasPerson(key)) return [{ field, message: `unknown person '${key}' in the directory` }];
    if (directory.slackUserIdOf(key) === undefined) {
      return [{ field, message: `person '${key}' has no slackUserId in the directory: the playbook tags them in Slack, and a mention without one pings nobody` }];
    }
    return [];
  });
}

/** Each `{ '/field': groupKey }` that the directory does not know. */
export function checkGroups(directory: DirectoryLookup, refs: Record<string, string>): FieldError[] {
  return Object.entries(refs)
    .filter(([, key]) => !directory.hasGroup(key))
    .map(([field, key]) => ({ field, message: `unknown group '${key}' in the directory` }));
}

/**
 * Each `{ '/field': groupKey }` of a group the playbook `@`-mentions that the directory does not know
 * or that has no Slack user-group id: `@group` without one is plain text and pings nobody (issue 17
 * item 17, the same rule as `directory.taggedGroups` for groups a playbook names itself).
 */
export function checkTaggedGroups(directory: DirectoryLookup, refs: Record<string, string>): FieldError[] {
  return Object.entries(refs).flatMap(([field, key]) => {
    if (!directory.hasGroup(key)) return [{ field, message: `unknown group '${key}' in the directory` }];
    if (directory.slackUserGroupIdOf(key) === undefined) {
      return [{ field, message: `group '${key}' has no slackUserGroupId in the directory: the playbook tags it in Slack, and a mention without one pings nobody` }];
    }
    return [];
  });
}

/** Each `{ '/field': channelKey }` that the directory does not know. */
export function checkChannels(directory: DirectoryLookup, refs: Record<string, string>): FieldError[] {
  return Object.entries(refs)
    .filter(([, key]) => !directory.hasChannel(key))
    .map(([field, key]) => ({ field, message: `unknown channel '${key}' in the directory` }));
}

/** Each `{ '/field': zone }` (unset ones skipped) that is not an IANA time zone. */
export function checkTimeZones(zones: Record<string, string | undefined>): FieldError[] {
  return Object.entries(zones)
    .filter(([, zone]) => zone !== undefined && !isValidTimeZone(zone))
    .map(([field, zone]) => ({ field, message: `unknown IANA time zone '${zone}'` }));
}
