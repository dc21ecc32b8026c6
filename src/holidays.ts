// Public holidays by country, state and region, from `date-holidays` (rules for 200+ countries,
// maintained upstream). Used outside the workflow sandbox only: the directory check at start-up and
// the `publicHolidays` activity, whose answer the workflow records. Holiday data changes with library
// updates (a country adds a holiday); recorded in the history, an escalation in flight replays with
// the holidays it was given, and the 3 MB of rules stay out of the workflow bundle.
import Holidays from 'date-holidays';

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
  const hd = new Holidays(r.country, ...([r.state, r.region].filter((x): x is string => x !== undefined) as []), { types: ['public'] });
  const out = new Map<string, string>();
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year++) {
    for (const h of hd.getHolidays(year)) {
      const date = h.date.slice(0, 10);
      if (h.type === 'public' && date >= from && date <= to && !out.has(date)) out.set(date, h.name);
    }
  }
  return [...out].sort(([a], [b]) => a.localeCompare(b)).map(([date, name]) => ({ date, name }));
}
