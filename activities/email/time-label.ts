// Human time labels for email copy ("11 AM CT", "11:00 Uhr MEZ"), computed from an instant and an
// IANA zone so DST is handled by Intl rather than by hand.
import { isValidTimeZone } from '../../workflows/kit/calendar.js';
import type { Locale } from './locales.js';

// Calendar-checked ISO 8601 instant with an explicit offset: without one, Date would read the
// string in the worker's own zone and silently shift the session time.
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

function parseInstant(startIso: string): Date {
  const m = typeof startIso === 'string' ? ISO_INSTANT.exec(startIso) : null;
  if (m) {
    const n = (i: number): number => Number(m[i] ?? 0);
    // Date.parse rolls 2026-02-30 over to March 2 instead of rejecting it; check the calendar.
    const daysInMonth = new Date(Date.UTC(n(1), n(2), 0)).getUTCDate();
    const inRange = n(2) >= 1 && n(2) <= 12 && n(3) >= 1 && n(3) <= daysInMonth &&
      n(4) <= 23 && n(5) <= 59 && n(6) <= 59 && n(7) <= 23 && n(8) <= 59;
    const date = new Date(startIso);
    if (inRange && !Number.isNaN(date.getTime())) return date;
  }
  throw new RangeError(
    `Invalid session start ${JSON.stringify(startIso)}: expected an ISO 8601 instant with an offset, e.g. 2026-01-13T17:00:00Z`,
  );
}

type Parts = Partial<Record<Intl.DateTimeFormatPartTypes, string>>;

function parts(date: Date, timeZone: string, options: Intl.DateTimeFormatOptions, locale: string): Parts {
  const out: Parts = {};
  for (const p of new Intl.DateTimeFormat(locale, { ...options, timeZone }).formatToParts(date)) {
    out[p.type] = p.value;
  }
  return out;
}

// "GMT-6", "GMT+5:30": what Intl falls back to when it has no name for the zone.
const isOffsetName = (name: string | undefined): boolean => !name || /^(GMT|UTC)[+\-\u2212]/.test(name);

/**
 * en: "11 AM CT" / "11:30 AM CT" (generic zone name, so winter and summer read alike).
 * de: "11:00 Uhr MEZ" / "11:00 Uhr MESZ"; zones without a German abbreviation get the offset,
 * "17:00 Uhr GMT-6" (Intl's German generic names are "Chicago (Ortszeit)", and its generic
 * "MEZ" is wrong in summer).
 */
export function sessionTimeLabel(startIso: string, timeZone: string, locale: Locale): string {
  const date = parseInstant(startIso);
  if (!isValidTimeZone(timeZone)) {
    throw new RangeError(`Unknown IANA time zone ${JSON.stringify(timeZone)}, e.g. America/Chicago`);
  }
  if (locale === 'de') {
    const p = parts(date, timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }, 'de-DE');
    return `${p.hour}:${p.minute} Uhr ${p.timeZoneName ?? ''}`.trim();
  }
  if (locale !== 'en') throw new RangeError(`Unsupported locale ${JSON.stringify(locale)}`);
  const p = parts(date, timeZone, { hour: 'numeric', minute: '2-digit', hourCycle: 'h12', timeZoneName: 'shortGeneric' }, 'en-US');
  // Prefer the generic name ("CT"); if Intl only has an offset, a specific abbreviation ("UTC") reads better.
  let zone = p.timeZoneName;
  if (isOffsetName(zone)) {
    const specific = parts(date, timeZone, { timeZoneName: 'short' }, 'en-US').timeZoneName;
    if (!isOffsetName(specific)) zone = specific;
  }
  const time = p.minute === '00' ? `${p.hour}` : `${p.hour}:${p.minute}`;
  return `${time} ${p.dayPeriod ?? ''} ${zone ?? ''}`.replace(/\s+/g, ' ').trim();
}

/**
 * The session's local date, for an email sent on another day than the session's (issue 17 item 10):
 * en "Saturday, November 14", de "Samstag, 14. November".
 */
export function sessionDateLabel(startIso: string, timeZone: string, locale: Locale): string {
  const date = parseInstant(startIso);
  if (!isValidTimeZone(timeZone)) {
    throw new RangeError(`Unknown IANA time zone ${JSON.stringify(timeZone)}, e.g. America/Chicago`);
  }
  const tag = locale === 'de' ? 'de-DE' : 'en-US';
  return new Intl.DateTimeFormat(tag, { timeZone, weekday: 'long', month: 'long', day: 'numeric' }).format(date);
}

/** True when `startIso` falls on the same local date as `atMs` in `timeZone` (the email's "today"). */
export function isSameLocalDay(startIso: string, atMs: number, timeZone: string): boolean {
  const day = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
  return day(parseInstant(startIso).getTime()) === day(atMs);
}
