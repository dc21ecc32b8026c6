// Public holidays by country, state and region, from `date-holidays` (rules for 200+ countries,
// maintained upstream). Used outside the workflow sandbox only: the directory check at start-up and
// the `publicHolidays` activity, whose answer the workflow records. Holiday data changes with library
// updates (a country adds a holiday); recorded in the history, an escalation in flight replays with
// the holidays it was given, and the 3 MB of rules stay out of the workflow bundle.
import Holidays from 'date-holidays';
import { LRUCache } from 'lru-cache';

export interface HolidayRegion {
  country: string;
  state?: string | undefined;
  region?: string | undefined;
}

/** Why `date-holidays` does not know the region, or undefined when it does. */
export function holidayRegionProblem(r: HolidayRegion): string | undefined {
  const hd = new Holidays();
  if (!hd.getCountries()[r.country]) return `unknown country '${r.country}' (ISO 3166-1 alpha-2, e.g. US, DE)`;
  if (r.state !== undefined && !hd.getStates(r.country)?.[r.state]) return `unknown state '${r.state}' of ${r.country}`;
  if (r.region !== undefined && (r.state === undefined || !hd.getRegions(r.country, r.state)?.[r.region])) {
    return `unknown region '${r.region}' of ${r.country}${r.state ? `-${r.state}` : ''}`;
  }
  return undefined;
}

/** `US-IL`, `DE-BE-…` */
export const regionLabel = (r: HolidayRegion) => [r.country, r.state, r.region].filter(Boolean).join('-');

/**
 * The public holidays (type `public`: days off by law, not observances or bank holidays) of the
 * region from `from` to `to` (inclusive `YYYY-MM-DD` local dates), sorted, each once.
 */
export function publicHolidayDates(r: HolidayRegion, from: string, to: string): { date: string; name: string }[] {
  const out = new Map<string, string>();
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year++) {
    for (const h of publicHolidaysOfYear(r, year)) if (h.date >= from && h.date <= to && !out.has(h.date)) out.set(h.date, h.name);
  }
  return [...out].sort(([a], [b]) => a.localeCompare(b)).map(([date, name]) => ({ date, name }));
}

// Building a `Holidays` for a region parses its rules, and `getHolidays` computes the year with
// moment-timezone: about 15 ms of worker CPU per look-up, several per escalation opened (the largest
// item in a CPU profile of the worker under `npm run bench:capacity`). A region's year is a pure
// function of the library's rules, which cannot change while the process runs, so it is kept.
// Bounded: at most YEARS_KEPT region-years (a few KB each), the least recently used going first.
const YEARS_KEPT = 2_000;
const years = new LRUCache<string, readonly { date: string; name: string }[]>({ max: YEARS_KEPT });

/** The region's public holidays of `year` as date-holidays lists them, one per date (the first name listed). */
function publicHolidaysOfYear(r: HolidayRegion, year: number): readonly { date: string; name: string }[] {
  const key = JSON.stringify([r.country, r.state ?? null, r.region ?? null, year]);
  let list = years.get(key);
  if (!list) {
    const hd = new Holidays(r.country, ...([r.state, r.region].filter((x): x is string => x !== undefined) as []), { types: ['public'] });
    const byDate = new Map<string, string>();
    for (const h of hd.getHolidays(year)) {
      const date = h.date.slice(0, 10);
      if (h.type === 'public' && !byDate.has(date)) byDate.set(date, h.name);
    }
    list = [...byDate].map(([date, name]) => ({ date, name }));
    years.set(key, list);
  }
  return list;
}
