// The pure kit pieces behind account-escalation: the calendar (local days, business days, the weekly
// finance meeting, across daylight-saving changes in both directions) and the timeline trimming that
// keeps a long escalation's carried state bounded.
import { describe, expect, it } from 'vitest';
import {
  atLocalTime,
  isBusinessDay,
  localDateKey,
  localDaysBetween,
  nextBusinessDayAt,
  nextWeeklyOccurrence,
  parseWeeklyTime,
  startOfNextLocalDay,
  zonedTimeToUtc,
} from '../../workflows/kit/calendar.js';
import { SUMMARY_KIND, trimTimeline } from '../../workflows/kit/carry-over.js';
import type { TimelineEntry } from '../../workflows/kit/state.js';
import { wall } from '../helpers/account-fixtures.js';

const H = 3_600_000;
const berlin = 'Europe/Berlin';
const chicago = 'America/Chicago';

describe('zonedTimeToUtc', () => {
  it('uses the offset in force at that wall time', () => {
    expect(new Date(zonedTimeToUtc({ year: 2027, month: 3, day: 23 }, { hour: 15, minute: 0 }, berlin)).toISOString()).toBe('2027-03-23T14:00:00.000Z');
    expect(new Date(zonedTimeToUtc({ year: 2027, month: 3, day: 30 }, { hour: 15, minute: 0 }, berlin)).toISOString()).toBe('2027-03-30T13:00:00.000Z');
  });

  it('moves a wall time skipped by spring-forward to just after the gap, and takes the first of a repeated one', () => {
    // Berlin 2027-03-28 02:30 does not exist (02:00 -> 03:00): 03:30 CEST.
    expect(new Date(zonedTimeToUtc({ year: 2027, month: 3, day: 28 }, { hour: 2, minute: 30 }, berlin)).toISOString()).toBe('2027-03-28T01:30:00.000Z');
    // Berlin 2026-10-25 02:30 happens twice: the first (CEST) one.
    expect(new Date(zonedTimeToUtc({ year: 2026, month: 10, day: 25 }, { hour: 2, minute: 30 }, berlin)).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });
});

describe('local days', () => {
  it('a local day across spring-forward is 23 hours long, across fall-back 25', () => {
    const sat = zonedTimeToUtc({ year: 2027, month: 3, day: 13 }, { hour: 12, minute: 0 }, chicago);
    const sundayStart = startOfNextLocalDay(sat, chicago);
    expect(startOfNextLocalDay(sundayStart, chicago) - sundayStart).toBe(23 * H);
    const fallSat = zonedTimeToUtc({ year: 2026, month: 10, day: 24 }, { hour: 12, minute: 0 }, berlin);
    const fallSunday = startOfNextLocalDay(fallSat, berlin);
    expect(startOfNextLocalDay(fallSunday, berlin) - fallSunday).toBe(25 * H);
  });

  it('counts calendar days in the zone, not 24-hour periods', () => {
    const a = zonedTimeToUtc({ year: 2027, month: 3, day: 13 }, { hour: 23, minute: 30 }, chicago);
    const b = zonedTimeToUtc({ year: 2027, month: 3, day: 15 }, { hour: 0, minute: 30 }, chicago);
    expect(localDaysBetween(a, b, chicago)).toBe(2);
    expect(localDateKey(a, chicago)).toBe('2027-03-13');
    // Same instant, another zone, another date.
    expect(localDateKey(a, 'Asia/Tokyo')).toBe('2027-03-14');
  });

  it('atLocalTime keeps the wall time across a change', () => {
    const fri = zonedTimeToUtc({ year: 2027, month: 3, day: 12 }, { hour: 9, minute: 0 }, chicago);
    expect(wall(atLocalTime(fri, chicago, { hour: 9, minute: 0 }, 3), chicago)).toBe('Mon 2027-03-15 09:00');
  });
});

describe('business days', () => {
  it('skips the weekend', () => {
    const fri17 = zonedTimeToUtc({ year: 2027, month: 1, day: 15 }, { hour: 17, minute: 0 }, chicago);
    expect(isBusinessDay(fri17, chicago)).toBe(true);
    expect(wall(nextBusinessDayAt(fri17, chicago, { hour: 16, minute: 0 }), chicago)).toBe('Mon 2027-01-18 16:00');
    const fri10 = fri17 - 7 * H;
    expect(wall(nextBusinessDayAt(fri10, chicago, { hour: 16, minute: 0 }), chicago)).toBe('Fri 2027-01-15 16:00');
    const sat = fri17 + 20 * H;
    expect(isBusinessDay(sat, chicago)).toBe(false);
  });
});

describe('weekly meeting', () => {
  const slot = parseWeeklyTime('TUE 15:00 Europe/Berlin');

  it('parses and rejects malformed schedules with a message', () => {
    expect(slot).toEqual({ weekday: 'TUE', hour: 15, minute: 0, timeZone: berlin });
    expect(() => parseWeeklyTime('Tuesday 3pm')).toThrow(/expected/);
    expect(() => parseWeeklyTime('TUE 15:00 Mars/Olympus')).toThrow(/unknown IANA time zone/);
  });

  it('is the next occurrence strictly after the given instant', () => {
    const tue1500 = zonedTimeToUtc({ year: 2027, month: 1, day: 12 }, { hour: 15, minute: 0 }, berlin);
    expect(nextWeeklyOccurrence(slot, tue1500 - 1)).toBe(tue1500);
    expect(wall(nextWeeklyOccurrence(slot, tue1500), berlin)).toBe('Tue 2027-01-19 15:00');
  });

  it('keeps 15:00 local across the spring-forward change (13:00Z after, 14:00Z before)', () => {
    const wed = zonedTimeToUtc({ year: 2027, month: 3, day: 24 }, { hour: 11, minute: 0 }, berlin);
    expect(new Date(nextWeeklyOccurrence(slot, wed)).toISOString()).toBe('2027-03-30T13:00:00.000Z');
    const earlier = wed - 7 * 24 * H;
    expect(new Date(nextWeeklyOccurrence(slot, earlier)).toISOString()).toBe('2027-03-23T14:00:00.000Z');
  });
});

describe('trimTimeline', () => {
  const entry = (i: number, kind = i % 2 ? 'reminder' : 'event:note'): TimelineEntry => ({
    at: new Date(Date.UTC(2027, 0, 1) + i * 60_000).toISOString(),
    kind,
    actor: 'engine',
    detail: `entry ${i}`,
  });

  it('keeps a short timeline as it is', () => {
    const entries = [entry(0, 'opened'), entry(1), entry(2)];
    expect(trimTimeline(entries, 5, '2027-02-01T00:00:00.000Z')).toBe(entries);
  });

  it('keeps the first entry and the latest ones, and counts the dropped ones by kind in one summary', () => {
    const entries = [entry(0, 'opened'), ...Array.from({ length: 10 }, (_, i) => entry(i + 1))];
    const once = trimTimeline(entries, 4, '2027-02-01T00:00:00.000Z');
    expect(once.map((e) => e.kind)).toEqual(['opened', SUMMARY_KIND, 'reminder', 'event:note', 'reminder', 'event:note']);
    expect(once.slice(2).map((e) => e.detail)).toEqual(['entry 7', 'entry 8', 'entry 9', 'entry 10']);
    expect(once[1]!.data).toMatchObject({ counts: { reminder: 3, 'event:note': 3 }, until: entries[6]!.at });

    // A second trim merges into the one summary.
    const twice = trimTimeline([...once, entry(11), entry(12), entry(13)], 4, '2027-03-01T00:00:00.000Z');
    expect(twice.filter((e) => e.kind === SUMMARY_KIND)).toHaveLength(1);
    expect(twice[1]!.data).toMatchObject({ counts: { reminder: 5, 'event:note': 4 } });
    expect(twice).toHaveLength(6);
  });
});
