// Directory look-ups the workflows need at run time (configuration changes without a deploy, so a
// person marked away today is skipped by ladders already running).
import { DirectoryError, type Availability, type Directory } from '../src/directory.js';
import { permanent } from './failures.js';

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
  };
}
