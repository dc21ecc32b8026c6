// Directory look-ups the workflows need at run time (configuration changes without a deploy, so a
// person marked away today is skipped by ladders already running).
import { DirectoryError, type Availability, type Directory, type Team } from '../src/directory.js';
import { permanent } from './failures.js';

export interface CheckAvailabilityInput {
  /** Directory person keys. */
  people: string[];
  /** The instant to judge (ISO, the workflow's time), so a retry judges the same moment. */
  at: string;
}

export interface FindTeamInput {
  /** The person whose team is wanted (e.g. a client's usual contact). */
  person: string;
  /** A team key that overrides the person's own (e.g. named at intake). */
  team?: string | undefined;
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
