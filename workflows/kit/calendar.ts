// Calendar arithmetic in a time zone: local days, business days and weekly meetings, correct across
// daylight-saving changes. Pure and deterministic (Intl and Date only, no clock): the workflow passes
// its own `Date.now()` in. Civil dates are handled as UTC dates so day arithmetic never meets a DST
// jump; only the final local wall time is turned into an instant, with the zone's offset at that time.

export const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
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

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The civil date and wall time of instant `ms` in `timeZone`. */
export function localParts(ms: number, timeZone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const year = parts.year ?? 1970;
  const month = parts.month ?? 1;
  const day = parts.day ?? 1;
  return {
    year,
    month,
    day,
    hour: (parts.hour ?? 0) % 24,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}

/** Offset of `timeZone` from UTC at instant `ms`, in milliseconds (east positive). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const p = localParts(whole, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

/**
 * The instant at which the wall clock in `timeZone` shows the given civil date and time. A time
 * that does not exist (skipped by a spring-forward change) moves forward by the size of the gap; a
 * time that exists twice (fall back) is its first occurrence.
 */
export function zonedTimeToUtc(
  date: { year: number; month: number; day: number },
  time: TimeOfDay,
  timeZone: string,
): number {
  const asUtc = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute);
  // The offset on either side of a change: try both and keep the candidate whose wall time matches.
  const before = zoneOffsetMs(asUtc - 86_400_000, timeZone);
  const after = zoneOffsetMs(asUtc + 86_400_000, timeZone);
  const candidates = [asUtc - before, asUtc - after].sort((a, b) => a - b);
  for (const t of candidates) {
    const p = localParts(t, timeZone);
    if (p.year === date.year && p.month === date.month && p.day === date.day && p.hour === time.hour && p.minute === time.minute) {
      return t;
    }
  }
  // In a gap: the offset before the change puts the instant just after it, at the shifted wall time.
  return asUtc - before;
}

/** `YYYY-MM-DD` of instant `ms` in `timeZone`. */
export function localDateKey(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The civil date `days` after the local date of `ms`. */
function civilDatePlus(ms: number, timeZone: string, days: number) {
  const p = localParts(ms, timeZone);
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
}

/** The instant of wall time `time` on the local date of `ms` plus `days`. */
export function atLocalTime(ms: number, timeZone: string, time: TimeOfDay, days = 0): number {
  return zonedTimeToUtc(civilDatePlus(ms, timeZone, days), time, timeZone);
}

/** Local midnight starting the day after the local date of `ms` (23 or 25 hours away across DST). */
export function startOfNextLocalDay(ms: number, timeZone: string): number {
  return atLocalTime(ms, timeZone, { hour: 0, minute: 0 }, 1);
}

/** Monday to Friday on the local date of `ms`. */
export function isBusinessDay(ms: number, timeZone: string): boolean {
  const weekday = localParts(ms, timeZone).weekday;
  return weekday >= 1 && weekday <= 5;
}

/** The first business day at wall time `time` strictly after `afterMs`. */
export function nextBusinessDayAt(afterMs: number, timeZone: string, time: TimeOfDay): number {
  for (let days = 0; days < 8; days++) {
    const date = civilDatePlus(afterMs, timeZone, days);
    if (date.weekday === 0 || date.weekday === 6) continue;
    const at = zonedTimeToUtc(date, time, timeZone);
    if (at > afterMs) return at;
  }
  throw new Error('unreachable: a week always has a business day');
}

/** The first occurrence of the weekly slot strictly after `afterMs`. */
export function nextWeeklyOccurrence(slot: WeeklyTime, afterMs: number): number {
  const target = WEEKDAYS.indexOf(slot.weekday);
  for (let days = 0; days < 15; days++) {
    const date = civilDatePlus(afterMs, slot.timeZone, days);
    if (date.weekday !== target) continue;
    const at = zonedTimeToUtc(date, slot, slot.timeZone);
    if (at > afterMs) return at;
  }
  throw new Error('unreachable: a weekly slot recurs within two weeks');
}

/** Whole local calendar days from the local date of `fromMs` to that of `toMs` (DST-proof). */
export function localDaysBetween(fromMs: number, toMs: number, timeZone: string): number {
  const a = localParts(fromMs, timeZone);
  const b = localParts(toMs, timeZone);
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000);
}

const WEEKLY = /^(MON|TUE|WED|THU|FRI|SAT|SUN)\s+([01]?\d|2[0-3]):([0-5]\d)\s+(\S+)$/i;

export function isValidTimeZoneName(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Parses `"TUE 15:00 Europe/Berlin"`; throws an Error saying what is wrong. */
export function parseWeeklyTime(text: string): WeeklyTime {
  const m = WEEKLY.exec(text.trim());
  if (!m) throw new Error(`expected "<MON..SUN> <HH:MM> <IANA time zone>", e.g. "TUE 15:00 Europe/Berlin"; got "${text}"`);
  const timeZone = m[4]!;
  if (!isValidTimeZoneName(timeZone)) throw new Error(`unknown IANA time zone '${timeZone}' in "${text}"`);
  return { weekday: m[1]!.toUpperCase() as Weekday, hour: Number(m[2]), minute: Number(m[3]), timeZone };
}

export function formatWeeklyTime(slot: WeeklyTime): string {
  return `${slot.weekday} ${String(slot.hour).padStart(2, '0')}:${String(slot.minute).padStart(2, '0')} ${slot.timeZone}`;
}
