// Availability from the directory: the away flag and vacation ranges (inclusive local days in the
// person's zone) that ladders skip people for; a directory file that gets them wrong fails at load.
import { beforeAll, describe, expect, it } from 'vitest';
import { directoryActivities } from '../../activities/directory.js';
import { PERMANENT_DELIVERY_FAILURE } from '../../activities/failures.js';
import { parseDirectory, type Directory } from '../../src/directory.js';
import { loadExampleDirectory } from '../helpers/fixtures.js';
import { failureOf, runAttempt } from './helpers.js';

let example: Directory;
beforeAll(async () => {
  example = await loadExampleDirectory();
});

function withPeople(changes: Record<string, Record<string, unknown>>) {
  const data = structuredClone(example.data) as { people: Record<string, Record<string, unknown>> };
  for (const [key, change] of Object.entries(changes)) Object.assign(data.people[key]!, change);
  return data;
}

describe('checkAvailability', () => {
  it('judges vacation days in the person\'s zone, first and last day included', async () => {
    const directory = parseDirectory(
      withPeople({ 'on-call-lead': { timeZone: 'Europe/Berlin', vacations: [{ from: '2027-03-01', to: '2027-03-05', note: 'ski trip' }] } }),
    );
    const { checkAvailability } = directoryActivities({ directory });
    const at = async (iso: string) => (await runAttempt(checkAvailability, { people: ['on-call-lead', 'on-call-backup'], at: iso }))[0]!;
    // 2027-02-28T23:30Z is already 1 March in Berlin; 2027-03-05T22:59Z is still 5 March there; 23:00Z is 6 March.
    // Back at the start of 6 March in Berlin (23:00Z on the 5th).
    expect(await at('2027-02-28T23:30:00Z')).toEqual({
      person: 'on-call-lead',
      available: false,
      reason: 'Casey Oncall is on vacation until 2027-03-05 (ski trip)',
      until: '2027-03-05',
      returnsAt: '2027-03-05T23:00:00.000Z',
      timeZone: 'Europe/Berlin',
    });
    expect((await at('2027-03-05T22:59:00Z')).available).toBe(false);
    expect(await at('2027-03-05T23:00:00Z')).toEqual({ person: 'on-call-lead', available: true });
    expect(await at('2027-02-28T22:59:00Z')).toEqual({ person: 'on-call-lead', available: true });
    const both = await runAttempt(checkAvailability, { people: ['on-call-lead', 'on-call-backup'], at: '2027-03-02T12:00:00Z' });
    expect(both.map((a) => [a.person, a.available])).toEqual([['on-call-lead', false], ['on-call-backup', true]]);
  });

  it('back-to-back vacations: back after the last one; across a DST change the return is local midnight', async () => {
    const directory = parseDirectory(
      withPeople({
        'on-call-lead': {
          timeZone: 'Europe/Berlin',
          vacations: [
            { from: '2027-03-22', to: '2027-03-26' },
            { from: '2027-03-27', to: '2027-03-29', note: 'long weekend' },
            { from: '2027-04-10', to: '2027-04-11' },
          ],
        },
      }),
    );
    const { checkAvailability } = directoryActivities({ directory });
    const [lead] = await runAttempt(checkAvailability, { people: ['on-call-lead'], at: '2027-03-23T12:00:00Z' });
    // The first vacation says until 26 March; the second follows the next day: back 30 March 00:00 CEST (summer time since the 28th).
    expect(lead).toMatchObject({ available: false, until: '2027-03-26', returnsAt: '2027-03-29T22:00:00.000Z', timeZone: 'Europe/Berlin' });
  });

  it('the away flag wins over everything; an unknown person is a permanent failure', async () => {
    const { checkAvailability } = directoryActivities({ directory: parseDirectory(withPeople({ 'on-call-backup': { away: true } })) });
    expect(await runAttempt(checkAvailability, { people: ['on-call-backup'], at: '2027-03-02T12:00:00Z' })).toEqual([
      { person: 'on-call-backup', available: false, reason: 'Jamie Backup is marked away in the directory' },
    ]);
    const failure = await failureOf(runAttempt(checkAvailability, { people: ['nobody-here'], at: '2027-03-02T12:00:00Z' }));
    expect(failure.type).toBe(PERMANENT_DELIVERY_FAILURE);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain("unknown person 'nobody-here'");
  });

  it('a vacation that ends before it starts, or a bad zone, stops the directory from loading, naming the entry', () => {
    expect(() => parseDirectory(withPeople({ csm: { vacations: [{ from: '2027-03-05', to: '2027-03-01' }] } }))).toThrow(
      "/people/csm/vacations/0: 'from' (2027-03-05) is after 'to' (2027-03-01)",
    );
    expect(() => parseDirectory(withPeople({ csm: { timeZone: 'Mars/Olympus' } }))).toThrow("/people/csm/timeZone: unknown IANA time zone 'Mars/Olympus'");
    expect(() => parseDirectory(withPeople({ csm: { vacations: [{ from: 'next week', to: '2027-03-01' }] } }))).toThrow(/vacations\/0\/from/);
  });
});

describe('findTeam: the usual contact\'s team (a group with a channel and managers)', () => {
  it('the one team that lists the person, or the one named; members, channel and managers in order', async () => {
    const { findTeam } = directoryActivities({ directory: example });
    expect(await runAttempt(findTeam, { person: 'account-manager' })).toEqual({
      key: 'client-services',
      name: 'client-services',
      channel: 'client-services',
      members: ['account-manager', 'account-specialist', 'desk-agent'],
      managers: ['client-services-manager', 'client-services-director'],
      mentionable: true,
    });
    expect((await runAttempt(findTeam, { person: 'csm', team: 'client-services' })).key).toBe('client-services');
  });

  it('no team, several teams, a group without a channel, an unknown person: permanent failures saying what to fix', async () => {
    const { findTeam } = directoryActivities({ directory: example });
    expect((await failureOf(runAttempt(findTeam, { person: 'csm' }))).message).toBe("team: no team (a group with a channel) lists 'csm' as a member");
    expect((await failureOf(runAttempt(findTeam, { person: 'csm', team: 'on-call' }))).message).toBe(
      "team: 'on-call' is not a team in the directory (a group with a channel)",
    );
    expect((await failureOf(runAttempt(findTeam, { person: 'nobody-here' }))).nonRetryable).toBe(true);
    const data = structuredClone(example.data) as { groups: Record<string, Record<string, unknown>> };
    data.groups['second-team'] = { name: 'second-team', members: ['account-manager'], channel: 'customer-success', managers: ['cs-manager'] };
    const two = directoryActivities({ directory: parseDirectory(data) });
    expect((await failureOf(runAttempt(two.findTeam, { person: 'account-manager' }))).message).toBe(
      "team: 'account-manager' is in several teams (client-services, second-team); name one",
    );
  });

  it('a team naming an unknown channel or manager, or managers without a channel, stops the directory from loading', () => {
    const withGroup = (group: Record<string, unknown>) => {
      const data = structuredClone(example.data) as { groups: Record<string, Record<string, unknown>> };
      data.groups['broken'] = { name: 'broken', members: [], ...group };
      return data;
    };
    expect(() => parseDirectory(withGroup({ channel: 'no-such-channel' }))).toThrow("/groups/broken/channel: unknown channel 'no-such-channel'");
    expect(() => parseDirectory(withGroup({ channel: 'client-services', managers: ['ghost'] }))).toThrow("/groups/broken/managers: unknown person 'ghost'");
    expect(() => parseDirectory(withGroup({ managers: ['cs-manager'] }))).toThrow('/groups/broken/managers: only a team (a group with a channel) has managers');
  });
});
