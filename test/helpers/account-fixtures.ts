// Example account-escalation inputs and time helpers for its tests (roles from the example directory).
import type { AccountEscalationInput } from '../../workflows/account-escalation/contract.js';
import { publicHolidayDates } from '../../src/holidays.js';
import { zonedTimeToUtc, zoneOffsetMs } from '../../workflows/kit/calendar.js';

let seq = 0;

/** A unique, valid account escalation escalated at `escalatedAtMs`. */
export function accountEscalationInput(escalatedAtMs: number, overrides: Partial<AccountEscalationInput> = {}): AccountEscalationInput {
  seq += 1;
  const id = `ACC-${process.pid.toString(36)}-${Date.now().toString(36)}-${seq}`;
  return {
    account: {
      id,
      name: `Example Health Clinics ${seq}`,
      mrr: { amount: 4200, currency: 'USD' },
      crmUrl: `https://crm.example.com/accounts/${id}`,
      products: ['LMS', 'CRED SOFT'],
      fmc: false,
      timeZone: 'America/Chicago',
    },
    trigger: 'reluctance-to-pay',
    explicit: false,
    escalatedAt: new Date(escalatedAtMs).toISOString(),
    summary: 'The customer disputes the annual increase on the last invoice.',
    churn: { primary: 'price', secondary: ['annual-increase', 'too-expensive'] },
    csm: 'csm',
    teamLead: 'cs-team-lead',
    teamLeadManager: 'cs-manager',
    customerContact: { name: 'Dana Client', email: 'dana.client@example.org', phone: '+1 555 0199' },
    followUpEmails: false,
    locale: 'en',
    reportedBy: 'csm',
    ...overrides,
  };
}

/** The first instant after `afterMs` at which `timeZone` shows weekday `weekday` (0 = Sunday) at hh:mm. */
export function nextLocal(afterMs: number, timeZone: string, weekday: number, hour: number, minute = 0): number {
  for (let days = -1; days < 15; days++) {
    const d = new Date(afterMs + days * 86_400_000);
    const date = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
    if (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() !== weekday) continue;
    const at = zonedTimeToUtc(date, { hour, minute }, timeZone);
    if (at > afterMs) return at;
  }
  throw new Error('no such local time within two weeks');
}

/** The wall time of `ms` in `timeZone`, e.g. "Tue 2027-03-30 15:00". */
export function wall(ms: number, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.weekday} ${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** Noon (local) of the first day after `afterMs` whose clocks went forward in `timeZone` (DST starts). */
export function nextSpringForward(timeZone: string, afterMs: number): number {
  for (let days = 1; days < 400; days++) {
    const d = new Date(afterMs + days * 86_400_000);
    const noon = zonedTimeToUtc({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }, { hour: 12, minute: 0 }, timeZone);
    if (zoneOffsetMs(noon, timeZone) > zoneOffsetMs(noon - 86_400_000, timeZone)) return noon;
  }
  throw new Error(`no daylight-saving start in ${timeZone} within a year`);
}

/**
 * The first year from `afterMs`'s on in which `month`/`day` (1-based) is weekday `weekday` (0 = Sunday) and
 * that day starts more than two days after `afterMs`. A scenario written for one calendar (the weekdays
 * and public holidays of 23 Dec 2026, say) runs in such a year, so it keeps its calendar whenever the
 * suite runs; pinned to a literal year it would start at the real "now" once that date had passed.
 */
export function nextYearWith(afterMs: number, month: number, day: number, weekday: number): number {
  for (let year = new Date(afterMs).getUTCFullYear(); year < new Date(afterMs).getUTCFullYear() + 30; year++) {
    const at = Date.UTC(year, month - 1, day);
    if (new Date(at).getUTCDay() === weekday && at > afterMs + 2 * 86_400_000) return year;
  }
  throw new Error(`no ${month}/${day} on weekday ${weekday} within 30 years`);
}

/** The business calendars the fixtures' people and accounts use (config/directory.example.yaml). */
const FIXTURE_CALENDARS = [
  { country: 'US', state: 'IL' },
  { country: 'DE', state: 'BE' },
];

/**
 * Like `nextLocal`, for where a scenario starts: the first such instant with no public holiday of the
 * fixtures' calendars (Illinois, Berlin) from the day before it to `spanDays` after it. A scenario that
 * counts business days, contact days or weekly meetings from "now" would otherwise count differently
 * in a week with Thanksgiving, Memorial Day or Whit Monday (the holidays have their own tests).
 */
export function quietLocal(afterMs: number, timeZone: string, weekday: number, hour: number, minute = 0, spanDays = 21): number {
  let from = afterMs;
  for (let tries = 0; tries < 52; tries++) {
    const at = nextLocal(from, timeZone, weekday, hour, minute);
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const holidays = FIXTURE_CALENDARS.flatMap((r) => publicHolidayDates(r, day(at - 2 * 86_400_000), day(at + (spanDays + 1) * 86_400_000)));
    if (holidays.length === 0) return at;
    from = at;
  }
  throw new Error('no holiday-free span within a year');
}
