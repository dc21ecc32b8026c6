// Calendar arithmetic in a time zone: local days, business days and weekly meetings, correct across
// daylight-saving changes. Built on the Temporal API (`temporal-polyfill`: ZonedDateTime, PlainDate),
// which does the zone rules and the disambiguation of skipped and repeated wall times; pure and
// deterministic (no clock: the workflow passes its own `Date.now()` in), so it runs in the workflow
// sandbox and replays. Instants are epoch milliseconds.
import { Temporal } from 'temporal-polyfill';

const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A civil date and wall time in some zone. `weekday` 0 = Sunday. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

/** A wall time of day, e.g. 09:00. */
export interface TimeOfDay {
  hour: number;
  minute: number;
}

/** A weekly slot in a zone, e.g. Tuesdays 15:00 Europe/Berlin. */
export interface WeeklyTime extends TimeOfDay {
  weekday: Weekday;
  timeZone: string;
}

const zoned = (ms: number, timeZone: string) => Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(timeZone);

/** The civil date and wall time of instant `ms` in `timeZone`. */
export function localParts(ms: number, timeZone: string): LocalDateTime {
  const z = zoned(ms, timeZone);
  return { year: z.year, month: z.month, day: z.day, hour: z.hour, minute: z.minute, second: z.second, weekday: z.dayOfWeek % 7 };
}

/** Offset of `timeZone` from UTC at instant `ms`, in milliseconds (east positive). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  return zoned(ms, timeZone).offsetNanoseconds / 1e6;
}

/**
 * The instant at which the wall clock in `timeZone` shows the given civil date and time. A time
 * that does not exist (skipped by a spring-forward change) moves forward by the size of the gap; a
 * time that exists twice (fall back) is its first occurrence (Temporal's `compatible` disambiguation,
 * as RFC 5545 does it).
 */
export function zonedTimeToUtc(date: { year: number; month: number; day: number }, time: TimeOfDay, timeZone: string): number {
  return Temporal.ZonedDateTime.from(
    { timeZone, year: date.year, month: date.month, day: date.day, hour: time.hour, minute: time.minute },
    { disambiguation: 'compatible', overflow: 'reject' },
  ).epochMilliseconds;
}

/** `YYYY-MM-DD` of instant `ms` in `timeZone`. */
export function localDateKey(ms: number, timeZone: string): string {
  return zoned(ms, timeZone).toPlainDate().toString();
}

/** The instant of wall time `time` on the local date of `ms` plus `days`. */
export function atLocalTime(ms: number, timeZone: string, time: TimeOfDay, days = 0): number {
  const date = zoned(ms, timeZone).toPlainDate().add({ days });
  return date.toZonedDateTime({ timeZone, plainTime: { hour: time.hour, minute: time.minute } }).epochMilliseconds;
}

/** Local midnight starting the day after the local date of `ms` (23 or 25 hours away across DST). */
export function startOfNextLocalDay(ms: number, timeZone: string): number {
  return atLocalTime(ms, timeZone, { hour: 0, minute: 0 }, 1);
}

const isWeekend = (date: Temporal.PlainDate) => date.dayOfWeek >= 6;

/**
 * Public holidays of a business calendar as `YYYY-MM-DD` local dates (from the holiday look-up
 * activity, recorded in the history; see holidays.ts). Empty: weekends only.
 */
export type HolidayDates = readonly string[];

/** A business calendar as the state keeps it. */
export interface BusinessCalendarInfo {
  timeZone: string;
  /** Directory calendar key, or null for weekends only. */
  calendar: string | null;
  /** `US-IL`, or null. */
  region: string | null;
  /** Public holidays (local `YYYY-MM-DD`) from `from` to `to`, inclusive. */
  holidays: string[];
  from: string;
  to: string;
}

const isWorkday = (date: Temporal.PlainDate, holidays: HolidayDates) => !isWeekend(date) && !holidays.includes(date.toString());

/** Monday to Friday, and not one of `holidays`, on the local date of `ms`. */
export function isBusinessDay(ms: number, timeZone: string, holidays: HolidayDates = []): boolean {
  return isWorkday(zoned(ms, timeZone).toPlainDate(), holidays);
}

/** The first day from the local date of `afterMs` on that `matches`, at wall time `time`, strictly after `afterMs`. */
function nextLocalDayAt(afterMs: number, timeZone: string, time: TimeOfDay, matches: (d: Temporal.PlainDate) => boolean, maxDays: number): number {
  const today = zoned(afterMs, timeZone).toPlainDate();
  for (let days = 0; days < maxDays; days++) {
    const date = today.add({ days });
    if (!matches(date)) continue;
    const at = date.toZonedDateTime({ timeZone, plainTime: { hour: time.hour, minute: time.minute } }).epochMilliseconds;
    if (at > afterMs) return at;
  }
  throw new RangeError(`no matching local day within ${maxDays} days`);
}

/**
 * The first business day (Monday to Friday, not one of `holidays`) at wall time `time` strictly after
 * `afterMs`. Looks up to 40 days ahead (the longest run of holidays and weekends any calendar has).
 */
export function nextBusinessDayAt(afterMs: number, timeZone: string, time: TimeOfDay, holidays: HolidayDates = []): number {
  return nextLocalDayAt(afterMs, timeZone, time, (d) => isWorkday(d, holidays), holidays.length === 0 ? 8 : 40);
}

/**
 * The first occurrence of the weekly slot strictly after `afterMs` whose local date (in the slot's
 * zone) is not one of `holidays`: a weekly meeting that falls on a public holiday does not take place
 * that week, the next week's does. Looks up to 12 weeks ahead.
 */
export function nextWeeklyOccurrence(slot: WeeklyTime, afterMs: number, holidays: HolidayDates = []): number {
  const target = WEEKDAYS.indexOf(slot.weekday);
  return nextLocalDayAt(afterMs, slot.timeZone, slot, (d) => d.dayOfWeek % 7 === target && !holidays.includes(d.toString()), holidays.length === 0 ? 15 : 85);
}

/** Whole local calendar days from the local date of `fromMs` to that of `toMs` (DST-proof). */
export function localDaysBetween(fromMs: number, toMs: number, timeZone: string): number {
  return zoned(fromMs, timeZone).toPlainDate().until(zoned(toMs, timeZone).toPlainDate(), { largestUnit: 'days' }).days;
}

/** True for an IANA time zone name the runtime knows (e.g. `America/Chicago`, `UTC`); the one check every input uses. */
export function isValidTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone.trim() === '') return false;
  // Building a formatter costs a quarter of a millisecond or more, on every start the API checks;
  // a zone's validity never changes while the process runs. Bounded: at most ZONES_KEPT answers.
  const known = zoneValidity.get(timeZone);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    valid = true;
  } catch {
    valid = false;
  }
  if (zoneValidity.size < ZONES_KEPT) zoneValidity.set(timeZone, valid);
  return valid;
}

const ZONES_KEPT = 2_000;
const zoneValidity = new Map<string, boolean>();

const WEEKLY = /^(MON|TUE|WED|THU|FRI|SAT|SUN)\s+([01]?\d|2[0-3]):([0-5]\d)\s+(\S+)$/i;

/** Parses `"TUE 15:00 Europe/Berlin"`; throws an Error saying what is wrong. */
export function parseWeeklyTime(text: string): WeeklyTime {
  const m = WEEKLY.exec(text.trim());
  if (!m) throw new Error(`expected "<MON..SUN> <HH:MM> <IANA time zone>", e.g. "TUE 15:00 Europe/Berlin"; got "${text}"`);
  const timeZone = m[4]!;
  if (!isValidTimeZone(timeZone)) throw new Error(`unknown IANA time zone '${timeZone}' in "${text}"`);
  return { weekday: m[1]!.toUpperCase() as Weekday, hour: Number(m[2]), minute: Number(m[3]), timeZone };
}

export function formatWeeklyTime(slot: WeeklyTime): string {
  return `${slot.weekday} ${String(slot.hour).padStart(2, '0')}:${String(slot.minute).padStart(2, '0')} ${slot.timeZone}`;
}
