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
    expect(await at('2027-02-28T23:30:00Z')).toEqual({ person: 'on-call-lead', available: false, reason: 'Casey Oncall is on vacation until 2027-03-05 (ski trip)', until: '2027-03-05' });
    expect((await at('2027-03-05T22:59:00Z')).available).toBe(false);
    expect(await at('2027-03-05T23:00:00Z')).toEqual({ person: 'on-call-lead', available: true });
    expect(await at('2027-02-28T22:59:00Z')).toEqual({ person: 'on-call-lead', available: true });
    const both = await runAttempt(checkAvailability, { people: ['on-call-lead', 'on-call-backup'], at: '2027-03-02T12:00:00Z' });
    expect(both.map((a) => [a.person, a.available])).toEqual([['on-call-lead', false], ['on-call-backup', true]]);
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
