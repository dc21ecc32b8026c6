// Instants and calendar dates in request bodies, checked the way the workflow will use them.
//
// JSON Schema's `date-time` format accepts what no workflow can run: a leap second
// (`23:59:60`, Date.parse gives NaN and the workflow task fails for ever), February 30 (which
// Date.parse silently turns into March 2), or year 9999 (a deadline after it cannot be stored).
// An Instant is strict RFC 3339 (upper-case `T`/`Z`, a real calendar day, seconds 00-59), read
// exactly as `Date.parse` reads it, and must lie in a plausible window around now (issue 13 item 3).
import { Type, type TString } from 'typebox';
import { refine } from './refine.js';
import { CLOCK_SKEW_MS, contractNow, contractSettings } from './settings.js';

const DAY_MS = 86_400_000;

/** RFC 3339 `date-time` with the offset required; published as the schema's `pattern`. */
export const INSTANT_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$';
/** RFC 3339 `full-date`. */
export const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';

const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Outside any configuration, instants stay where every part of the system can represent them
 * together with the deadlines counted from them (protobuf timestamps end in year 9999).
 */
const ABSOLUTE_MIN = Date.UTC(1970, 0, 1);
const ABSOLUTE_MAX = Date.UTC(9000, 0, 1);

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

function realDay(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/**
 * Epoch milliseconds of a strict RFC 3339 instant, or undefined. The result always equals
 * `Date.parse(text)`, which is how workflow code reads the value.
 */
export function parseInstant(text: string): number | undefined {
  const m = INSTANT_RE.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (!realDay(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
  let offsetMin = 0;
  if (m[8]) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  const epoch = Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMin * 60_000;
  // Date.UTC maps years 0-99 to 1900-1999; Date.parse does not. Refuse rather than disagree.
  if (y < 100 || epoch !== Date.parse(text)) return undefined;
  return epoch;
}

/** Epoch milliseconds of midnight UTC of a strict RFC 3339 full-date, or undefined. */
export function parseCalendarDate(text: string): number | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = m.slice(1, 4).map(Number) as [number, number, number];
  if (y < 100 || !realDay(y, mo, d)) return undefined;
  return Date.UTC(y, mo - 1, d);
}

/**
 * Which times are plausible:
 * - `business`: a business date such as a session's start: from BUSINESS_DATE_PAST_DAYS ago
 *   (default 30) to BUSINESS_DATE_FUTURE_DAYS ahead (default 365);
 * - `happened`: something that already happened (a report, a complaint, a meeting held): from
 *   BUSINESS_DATE_PAST_DAYS ago up to now, give or take five minutes of clock skew.
 */
export type InstantWindow = 'business' | 'happened';

export function windowBounds(window: InstantWindow, now = contractNow()): { from: number; to: number } {
  const s = contractSettings();
  const from = Math.max(ABSOLUTE_MIN, now - s.businessPastDays * DAY_MS);
  const to = Math.min(ABSOLUTE_MAX, window === 'business' ? now + s.businessFutureDays * DAY_MS : now + CLOCK_SKEW_MS);
  return { from, to };
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function windowText(window: InstantWindow): string {
  return window === 'business'
    ? 'from BUSINESS_DATE_PAST_DAYS (default 30) days ago to BUSINESS_DATE_FUTURE_DAYS (default 365) days ahead'
    : 'from BUSINESS_DATE_PAST_DAYS (default 30) days ago up to now (5 minutes of clock skew allowed)';
}

/** A value that lies in the window at module load: documentation examples that work today. */
function exampleInstant(window: InstantWindow): string {
  const hour = 3_600_000;
  const now = Math.floor(Date.now() / hour) * hour;
  return iso(window === 'business' ? now + DAY_MS : now - hour);
}

export interface InstantOptions {
  description: string;
  window: InstantWindow;
}

/**
 * An RFC 3339 instant with its offset (`2026-11-23T17:00:00Z`, `2026-11-23T11:00:00-06:00`),
 * read as the workflow reads it and inside its plausible window. The published schema carries
 * `format: date-time` and the pattern; the calendar and window checks run on every request.
 */
export function Instant(opts: InstantOptions): TString {
  const schema = Type.String({
    format: 'date-time',
    pattern: INSTANT_PATTERN,
    description: `${opts.description}. RFC 3339 with offset; ${windowText(opts.window)}.`,
    examples: [exampleInstant(opts.window)],
  });
  return refine(schema, (value) => {
    const at = parseInstant(value);
    if (at === undefined) {
      return 'must be an RFC 3339 instant with offset on a real calendar day, e.g. 2026-11-23T17:00:00Z (hours 00-23, seconds 00-59)';
    }
    const { from, to } = windowBounds(opts.window);
    if (at < from || at > to) return `must lie between ${iso(from)} and ${iso(to)} (${windowText(opts.window)})`;
    return undefined;
  });
}

export interface CalendarDateOptions {
  description: string;
  window: InstantWindow;
}

/** An RFC 3339 full-date (`2026-11-30`), a real calendar day inside its plausible window. */
export function CalendarDate(opts: CalendarDateOptions): TString {
  const schema = Type.String({
    format: 'date',
    pattern: DATE_PATTERN,
    description: `${opts.description}. RFC 3339 full-date; ${windowText(opts.window)}.`,
    examples: [exampleInstant(opts.window).slice(0, 10)],
  });
  return refine(schema, (value) => {
    const day = parseCalendarDate(value);
    if (day === undefined) return 'must be a real calendar day, e.g. 2026-11-30';
    const { from, to } = windowBounds(opts.window);
    // Whole days: the day counts if any part of it is inside the window.
    if (day + DAY_MS <= from || day > to) return `must lie between ${iso(from).slice(0, 10)} and ${iso(to).slice(0, 10)} (${windowText(opts.window)})`;
    return undefined;
  });
}
