// publicHolidayDates: a region's public holidays in a range of local dates (the publicHolidays
// activity's answer, recorded in the history). Each region's year is computed once per process.
import { describe, expect, it } from 'vitest';
import { publicHolidayDates } from '../../src/holidays.js';

describe('publicHolidayDates', () => {
  it('lists the public holidays of a range across a new year, sorted, each date once', () => {
    expect(publicHolidayDates({ country: 'US', state: 'IL' }, '2026-12-20', '2027-01-20')).toEqual([
      { date: '2026-12-25', name: 'Christmas Day' },
      { date: '2027-01-01', name: "New Year's Day" },
      { date: '2027-01-18', name: 'Martin Luther King Jr. Day' },
    ]);
  });

  it('keeps the range inclusive at both ends and leaves out observances (type public only)', () => {
    expect(publicHolidayDates({ country: 'DE', state: 'BE' }, '2027-03-08', '2027-03-08')).toEqual([
      { date: '2027-03-08', name: 'Internationaler Frauentag' },
    ]);
    // Valentine's Day is an observance in the US, not a day off.
    expect(publicHolidayDates({ country: 'US' }, '2027-02-14', '2027-02-14')).toEqual([]);
  });

  it('answers a repeated look-up alike, with a list of its own (the kept year is not shared out)', () => {
    const first = publicHolidayDates({ country: 'DE', state: 'BY' }, '2027-01-01', '2027-12-31');
    first[0]!.name = 'changed by a caller';
    first.pop();
    const again = publicHolidayDates({ country: 'DE', state: 'BY' }, '2027-01-01', '2027-12-31');
    expect(again[0]).toEqual({ date: '2027-01-01', name: 'Neujahr' });
    expect(again.length).toBe(first.length + 1);
  });

  it('tells regions apart: a state has holidays its country does not', () => {
    const bavaria = publicHolidayDates({ country: 'DE', state: 'BY' }, '2027-01-06', '2027-01-06');
    const germany = publicHolidayDates({ country: 'DE' }, '2027-01-06', '2027-01-06');
    expect(bavaria).toEqual([{ date: '2027-01-06', name: 'Heilige Drei Könige' }]);
    expect(germany).toEqual([]);
  });
});
