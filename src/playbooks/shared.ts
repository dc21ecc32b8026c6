// Schema pieces and checks that several playbooks use.
import { Type } from 'typebox';
import type { Directory } from '../directory.js';
import type { FieldError } from './types.js';

/** A person key in the directory; `x-directory: person` lets forms offer a person picker (the Slack modal's user select). */
export const DirectoryRef = (description: string) =>
  Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', description: `${description} (a person key in the directory)`, 'x-directory': 'person' });

export const Contact = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.String({ format: 'email' }),
    phone: Type.Optional(Type.String({ minLength: 3, maxLength: 40 })),
  },
  { additionalProperties: false },
);

export const Locale = Type.Union([Type.Literal('en'), Type.Literal('de')], { description: 'Language of client-facing messages' });

export const EventBase = {
  actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Who reports the event' })),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
};

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function checkPeople(directory: Directory, refs: Record<string, string>): FieldError[] {
  return Object.entries(refs)
    .filter(([, key]) => !directory.hasPerson(key))
    .map(([field, key]) => ({ field, message: `unknown person '${key}' in the directory` }));
}
