import { describe, expect, it } from 'vitest';
import { isValidTimeZone } from '../../workflows/kit/calendar.js';
import { sessionTimeLabel } from './time-label.js';

describe('sessionTimeLabel (en)', () => {
  it.each([
    ['winter (CST, UTC-6)', '2026-01-13T17:00:00Z', '11 AM CT'],
    ['summer (CDT, UTC-5)', '2026-07-14T16:00:00Z', '11 AM CT'],
    // US DST began on 8 March 2026, so 17:00Z on 10 March is already noon in Chicago.
    ['just after the DST switch', '2026-03-10T17:00:00Z', '12 PM CT'],
    ['half hour', '2026-01-13T17:30:00Z', '11:30 AM CT'],
    ['explicit offset', '2026-01-13T11:00:00-06:00', '11 AM CT'],
    ['fractional seconds', '2026-01-13T17:00:00.000Z', '11 AM CT'],
    ['midnight', '2026-01-13T06:00:00Z', '12 AM CT'],
    ['afternoon', '2026-01-13T20:15:00Z', '2:15 PM CT'],
  ])('America/Chicago %s', (_label, iso, expected) => {
    expect(sessionTimeLabel(iso, 'America/Chicago', 'en')).toBe(expected);
  });

  it('uses generic names for other US zones and a real abbreviation for UTC', () => {
    expect(sessionTimeLabel('2026-07-14T15:00:00Z', 'America/New_York', 'en')).toBe('11 AM ET');
    expect(sessionTimeLabel('2026-01-13T11:00:00Z', 'UTC', 'en')).toBe('11 AM UTC');
  });

  it('uses plain spaces (Intl may emit narrow no-break spaces)', () => {
    expect(sessionTimeLabel('2026-01-13T17:30:00Z', 'America/Chicago', 'en')).not.toMatch(/[\u00a0\u202f]/);
  });
});

describe('sessionTimeLabel (de)', () => {
  it.each([
    ['Europe/Berlin', '2026-01-13T10:00:00Z', '11:00 Uhr MEZ'],
    ['Europe/Berlin', '2026-07-14T09:00:00Z', '11:00 Uhr MESZ'],
    ['Europe/Berlin', '2026-01-13T10:30:00Z', '11:30 Uhr MEZ'],
    ['Europe/Vienna', '2026-01-13T08:05:00Z', '09:05 Uhr MEZ'],
    ['America/Chicago', '2026-01-13T17:00:00Z', '11:00 Uhr GMT-6'],
    ['America/Chicago', '2026-07-14T16:00:00Z', '11:00 Uhr GMT-5'],
  ])('%s at %s', (zone, iso, expected) => {
    expect(sessionTimeLabel(iso, zone, 'de')).toBe(expected);
  });
});

describe('invalid input', () => {
  it.each(['Mars/Olympus', '', 'America/Chicag0'])('unknown zone %j', (zone) => {
    expect(() => sessionTimeLabel('2026-01-13T17:00:00Z', zone, 'en')).toThrowError(RangeError);
    expect(() => sessionTimeLabel('2026-01-13T17:00:00Z', zone, 'en')).toThrowError(/time zone/);
  });

  it.each([
    'not a date',
    '',
    '2026-02-30T10:00:00Z', // Date would roll this over to 2 March
    '2026-13-01T10:00:00Z',
    '2026-01-13T24:00:00Z',
    '2026-01-13T17:00:00', // no offset: would be read in the worker's zone
    '2026-01-13',
    '1768323600000',
  ])('invalid instant %j', (iso) => {
    expect(() => sessionTimeLabel(iso, 'America/Chicago', 'en')).toThrowError(RangeError);
    expect(() => sessionTimeLabel(iso, 'America/Chicago', 'en')).toThrowError(/Invalid session start/);
  });
});

describe('isValidTimeZone', () => {
  it('accepts IANA zones and rejects nonsense', () => {
    for (const tz of ['America/Chicago', 'Europe/Berlin', 'UTC', 'Asia/Kolkata']) expect(isValidTimeZone(tz)).toBe(true);
    for (const tz of ['Mars/Olympus', '', '   ', 'America/Chicag0']) expect(isValidTimeZone(tz)).toBe(false);
  });
});
