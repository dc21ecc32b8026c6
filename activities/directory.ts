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

export function directoryActivities({ directory }: { directory: Directory }) {
  return {
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
